import { describe, expect, it } from 'vitest';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';
import { apacheErrorBodyParser, apacheErrorParser, nginxErrorBodyParser, nginxErrorParser } from './web-error-log';
import type { ParserDefinition } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function parse(definition: ParserDefinition, line: string, timezone = 'UTC', maxMessageBytes = 65_536) {
  return definition.create({ now: () => NOW, timezone, maxMessageBytes }).parse({ payload: Buffer.from(line), receivedAt: NOW.toISOString(), input: 'file' });
}

function event(definition: ParserDefinition, line: string, timezone = 'UTC') {
  const result = parse(definition, line, timezone);
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

describe('apache_error', () => {
  it('apache_error – parses the Apache 2.4 layout field by field, with the AH code split off', () => {
    const parsed = event(
      apacheErrorParser,
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5555] AH00124: Request exceeded the limit of 10 internal redirects',
    );
    expect(parsed['@timestamp']).toBe('2000-10-11T14:32:52.123Z');
    expect(parsed.log).toEqual({ level: 'error' });
    expect(parsed.apache).toEqual({ error: { module: 'core' } });
    expect(parsed.process).toEqual({ pid: 1234, thread: { id: 5678 } });
    expect(parsed.source).toEqual({ address: '10.0.0.1', ip: '10.0.0.1', port: 5555 });
    expect(parsed.error).toEqual({ code: 'AH00124' });
    expect(parsed.message).toBe('Request exceeded the limit of 10 internal redirects');
    expect(parsed.event).toMatchObject({ dataset: 'apache_error', category: ['web'], type: ['error'] });
  });

  it('apache_error – parses the Apache 2.2 example of the httpd docs, without module, pid or port', () => {
    const parsed = event(apacheErrorParser, '[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test', 'America/New_York');
    expect(parsed['@timestamp']).toBe('2000-10-11T18:32:52.000Z');
    expect(parsed.log).toEqual({ level: 'error' });
    expect(parsed.source).toEqual({ address: '127.0.0.1', ip: '127.0.0.1' });
    expect(parsed).not.toHaveProperty('process');
    expect(parsed).not.toHaveProperty('error');
    expect(parsed.message).toBe('client denied by server configuration: /export/home/live/ap/htdocs/test');
  });

  it('apache_error – reads an IPv6 client with its port, and a line with no client', () => {
    const v6 = event(apacheErrorParser, '[Mon Jan 02 03:04:05.000001 2026] [ssl:warn] [pid 77] [client ::1:52011] AH01909: certificate does not include an ID');
    expect(v6.source).toEqual({ address: '::1', ip: '::1', port: 52011 });
    expect(v6.process).toEqual({ pid: 77 });
    const notice = event(apacheErrorParser, '[Mon Jan 02 03:04:05.000001 2026] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations');
    expect(notice).not.toHaveProperty('source');
    expect(notice.log).toEqual({ level: 'notice' });
    expect(notice.event).toMatchObject({ type: ['info'] });
  });

  it('apache_error – answers NO_MATCH for other lines and for a truncated timestamp', () => {
    expect(parse(apacheErrorParser, 'GET / HTTP/1.1')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parse(apacheErrorParser, '[Wed Oct 11 14:32')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parse(apacheErrorParser, '[Wed Oct 11 14:32:52 2000')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
  });

  it('apache_error – keeps a line cut inside its bracket groups as the message', () => {
    const parsed = event(apacheErrorParser, '[Wed Oct 11 14:32:52 2000] [core:error] [pid 12');
    expect(parsed.log).toEqual({ level: 'error' });
    expect(parsed.message).toBe('[pid 12');
  });
});

describe('nginx_error', () => {
  it('nginx_error – parses an error with its context field by field', () => {
    const parsed = event(
      nginxErrorParser,
      '2024/01/02 03:04:05 [error] 123#456: *7 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 1.2.3.4, server: example.com, request: "GET /favicon.ico?v=1 HTTP/1.1", host: "example.com", referrer: "https://example.com/"',
    );
    expect(parsed['@timestamp']).toBe('2024-01-02T03:04:05.000Z');
    expect(parsed.log).toEqual({ level: 'error' });
    expect(parsed.process).toEqual({ pid: 123, thread: { id: 456 } });
    expect(parsed.nginx).toEqual({ error: { connection_id: 7, server: 'example.com' } });
    expect(parsed.message).toBe('open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory)');
    expect(parsed.source).toEqual({ address: '1.2.3.4', ip: '1.2.3.4' });
    expect(parsed.http).toEqual({ request: { method: 'GET', referrer: 'https://example.com/' }, version: '1.1' });
    expect(parsed.url).toEqual({ original: '/favicon.ico?v=1', path: '/favicon.ico', query: 'v=1', domain: 'example.com' });
  });

  it('nginx_error – parses a start-up message with no connection and no context, in the configured zone', () => {
    const parsed = event(nginxErrorParser, '2024/07/02 03:04:05 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)', 'Europe/Berlin');
    expect(parsed['@timestamp']).toBe('2024-07-02T01:04:05.000Z');
    expect(parsed.log).toEqual({ level: 'emerg' });
    expect(parsed.message).toBe('bind() to 0.0.0.0:80 failed (98: Address already in use)');
    expect(parsed).not.toHaveProperty('source');
  });

  it('nginx_error – keeps the upstream and survives an unterminated quoted request', () => {
    const parsed = event(nginxErrorParser, '2024/01/02 03:04:05 [warn] 9#9: *1 upstream timed out, client: 10.0.0.1, server: _, request: "GET /slow HTTP/1.1", upstream: "http://127.0.0.1:8080/slow", host: "x');
    expect(parsed.nginx).toEqual({ error: { connection_id: 1, server: '_', upstream: 'http://127.0.0.1:8080/slow' } });
    expect(parsed.url).toMatchObject({ domain: 'x' });
  });

  it('nginx_error – answers NO_MATCH for an unknown level or another format, and undefined as a body parser', () => {
    expect(parse(nginxErrorParser, '2024/01/02 03:04:05 [loud] 1#1: x')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parse(nginxErrorParser, '2024/13/02 03:04:05 [error] 1#1: x')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    const parseBody = compileBodyParser(nginxErrorBodyParser, createParserContext()).parseBody;
    expect(parseBody('signal process started')).toBeUndefined();
    expect(compileBodyParser(apacheErrorBodyParser, createParserContext()).parseBody('[notice] x')).toBeUndefined();
  });

  it('nginx_error – reads 1 MiB of unbalanced quotes and colons in one pass', () => {
    const parsed = parse(nginxErrorParser, `2024/01/02 03:04:05 [error] 1#1: *1 x, client: 1.2.3.4, ${'k: "\\'.repeat(256 * 1024)}`, 'UTC', 4 << 20);
    expect(parsed.ok).toBe(true);
  });
});

describe('apache_error – hostile input', () => {
  it('apache_error – reads 1 MiB of unclosed bracket groups in one pass', () => {
    const parsed = parse(apacheErrorParser, `[Wed Oct 11 14:32:52 2000] [error]${' [pid 1'.repeat(128 * 1024)}`, 'UTC', 4 << 20);
    expect(parsed).toMatchObject({ ok: true, event: { log: { level: 'error' } } });
  });
});
