import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { apacheAccessBodyParser, apacheAccessParser, nginxAccessBodyParser, nginxAccessParser } from './access-log';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';
import { ParserSetupError } from './errors';
import type { ParserDefinition, ParseResult } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function record(line: string | Buffer): RawRecord {
  return { payload: Buffer.isBuffer(line) ? line : Buffer.from(line), receivedAt: '2026-11-23T12:00:00.000Z', sourceAddress: '192.0.2.10', input: 'file' };
}

function parseWith(definition: ParserDefinition, line: string | Buffer, options: Record<string, unknown> = {}, maxMessageBytes?: number): ParseResult {
  const config = maxMessageBytes === undefined ? { now: () => NOW, options } : { now: () => NOW, options, maxMessageBytes };
  return definition.create(config).parse(record(line));
}

function event(definition: ParserDefinition, line: string, options: Record<string, unknown> = {}) {
  const result = parseWith(definition, line, options);
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

// The example of the Apache mod_log_config documentation ("Common Log Format" and "Combined Log Format").
const APACHE_DOC_COMBINED =
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"';

describe('apache_access – predefined formats', () => {
  it('apache_access – parses the combined example of the mod_log_config docs field by field', () => {
    const parsed = event(apacheAccessParser, APACHE_DOC_COMBINED);
    expect(parsed['@timestamp']).toBe('2000-10-10T20:55:36.000Z');
    expect(parsed.source).toEqual({ address: '127.0.0.1', ip: '127.0.0.1' });
    expect(parsed.user).toEqual({ name: 'frank' });
    expect(parsed.http).toEqual({
      request: { method: 'GET', referrer: 'http://www.example.com/start.html' },
      response: { status_code: 200, body: { bytes: 2326 } },
      version: '1.0',
    });
    expect(parsed.url).toEqual({ original: '/apache_pb.gif', path: '/apache_pb.gif' });
    expect(parsed.user_agent).toEqual({ original: 'Mozilla/4.08 [en] (Win98; I ;Nav)' });
    expect(parsed.event).toMatchObject({ dataset: 'apache_access', category: ['web'], type: ['access'], outcome: 'success' });
    expect(parsed.message).toBe(APACHE_DOC_COMBINED);
    expect(parsed).not.toHaveProperty('apache');
  });

  it('apache_access – parses the common format and leaves out what "-" stands for', () => {
    const parsed = event(apacheAccessParser, '10.0.0.5 - - [10/Oct/2000:13:55:36 +0000] "POST /login?next=%2Fhome&x=1 HTTP/1.1" 401 -', { format: 'common' });
    expect(parsed['@timestamp']).toBe('2000-10-10T13:55:36.000Z');
    expect(parsed).not.toHaveProperty('user');
    expect(parsed.url).toEqual({ original: '/login?next=%2Fhome&x=1', path: '/login', query: 'next=%2Fhome&x=1' });
    expect(parsed.http).toEqual({ request: { method: 'POST' }, response: { status_code: 401 }, version: '1.1' });
    expect(parsed.event).toMatchObject({ outcome: 'failure' });
  });

  it('apache_access – parses vhost_combined, with the virtual host and the bytes sent including headers', () => {
    const parsed = event(apacheAccessParser, 'www.example.com:443 2001:db8::1 - - [01/Jan/2026:00:00:00 +0100] "GET / HTTP/2.0" 304 0 "-" "curl/8.5.0"', {
      format: 'vhost_combined',
    });
    expect(parsed['@timestamp']).toBe('2025-12-31T23:00:00.000Z');
    expect(parsed.url).toEqual({ domain: 'www.example.com', original: '/', path: '/' });
    expect(parsed.destination).toEqual({ port: 443 });
    expect(parsed.source).toEqual({ address: '2001:db8::1', ip: '2001:db8::1' });
    expect(parsed.http).toEqual({ request: { method: 'GET' }, response: { status_code: 304, bytes: 0 }, version: '2.0' });
    expect(parsed.user_agent).toEqual({ original: 'curl/8.5.0' });
  });

  it('apache_access – reads a host name in %h as source.domain, not source.ip', () => {
    const parsed = event(apacheAccessParser, 'proxy.example.org - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1', { format: 'common' });
    expect(parsed.source).toEqual({ address: 'proxy.example.org', domain: 'proxy.example.org' });
  });
});

describe('apache_access – custom LogFormat', () => {
  it('apache_access – compiles a custom format with %D, %T, %v, %{X-Forwarded-For}i and %P', () => {
    const format = '%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i" "%{X-Forwarded-For}i" %D %T %P';
    const parsed = event(apacheAccessParser, 'shop.example.com 192.0.2.1 - bob [10/Oct/2000:13:55:36 -0700] "DELETE /cart/7 HTTP/1.1" 500 12 "-" "Mozilla/5.0" "198.51.100.7, 10.0.0.1" 1234567 1 4242', {
      format,
    });
    expect(parsed.url).toEqual({ domain: 'shop.example.com', original: '/cart/7', path: '/cart/7' });
    expect(parsed.user).toEqual({ name: 'bob' });
    expect(parsed.event).toMatchObject({ duration: 1_234_567_000, outcome: 'failure' });
    expect(parsed.process).toEqual({ pid: 4242 });
    expect(parsed.apache).toEqual({ access: { 'request_header_x-forwarded-for': '198.51.100.7, 10.0.0.1' } });
    expect(parsed.http).toMatchObject({ request: { method: 'DELETE' }, response: { status_code: 500, body: { bytes: 12 } } });
  });

  it('apache_access – reads %m %U%q %H as separate fields and %{msec}t as epoch milliseconds', () => {
    const parsed = event(apacheAccessParser, '[1700000000123] 203.0.113.5 GET /search?q=x HTTP/1.1 200', { format: '[%{msec}t] %a %m %U%q %H %>s' });
    expect(parsed['@timestamp']).toBe('2023-11-14T22:13:20.123Z');
    expect(parsed.url).toEqual({ original: '/search?q=x', path: '/search', query: 'q=x' });
    expect(parsed.http).toEqual({ request: { method: 'GET' }, response: { status_code: 200 }, version: '1.1' });
  });

  it.each([
    ['%h %Z', /%Z is not a supported/],
    ['%h%u %t', /two fields with nothing between them/],
    ['%h %{%Y-%m-%d}t', /strftime/],
    ['%h %{Referer', /unclosed/],
    ['just text', /has no fields/],
    ['constructor', /has no fields/],
  ])('apache_access – checks the format %j at start', (format, message) => {
    let error: unknown;
    try {
      apacheAccessParser.create({ options: { format } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ParserSetupError);
    expect(error).toMatchObject({ code: 'SIEM_PARSE_INVALID_CONFIG', message: expect.stringMatching(message) });
  });

  it('apache_access – prefixes header names, so a header called __proto__ becomes a plain field', () => {
    const parsed = event(apacheAccessParser, '1.2.3.4 {"polluted":true}', { format: '%h %{__proto__}i' });
    expect(parsed.apache).toEqual({ access: { request_header___proto__: '{"polluted":true}' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('apache_access – rejects an unknown option key at start', () => {
    expect(() => apacheAccessParser.create({ options: { fromat: 'common' } })).toThrow(ParserSetupError);
  });
});

describe('apache_access – escaping and odd requests', () => {
  it('apache_access – keeps a \\" inside the quoted request and user agent', () => {
    const parsed = event(apacheAccessParser, '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a\\"b?c=\\"d\\" HTTP/1.1" 200 5 "-" "Evil \\"Agent\\" \\\\ 1.0"');
    expect(parsed.url).toEqual({ original: '/a"b?c="d"', path: '/a"b', query: 'c="d"' });
    expect(parsed.user_agent).toEqual({ original: 'Evil "Agent" \\ 1.0' });
  });

  it('apache_access – keeps a request line that is not METHOD TARGET VERSION as apache.access.request', () => {
    const parsed = event(apacheAccessParser, '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "\\x16\\x03\\x01" 400 226 "-" "-"');
    expect(parsed.apache).toEqual({ access: { request: '\u0016\u0003\u0001' } });
    expect(parsed.http).toEqual({ response: { status_code: 400, body: { bytes: 226 } } });
    expect(parsed).not.toHaveProperty('url');
    expect(parsed).not.toHaveProperty('user_agent');
  });

  it('apache_access – reads "-" as the request of a timed-out connection (408)', () => {
    const parsed = event(apacheAccessParser, '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "-" 408 - "-" "-"');
    expect(parsed.http).toEqual({ response: { status_code: 408 } });
    expect(parsed.event).toMatchObject({ outcome: 'failure' });
  });

  it('apache_access – keeps non-ASCII user names and paths', () => {
    const parsed = event(apacheAccessParser, '10.0.0.1 - jürgen [10/Oct/2000:13:55:36 -0700] "GET /straße/日本 HTTP/1.1" 200 1 "-" "-"');
    expect(parsed.user).toEqual({ name: 'jürgen' });
    expect(parsed.url).toMatchObject({ path: '/straße/日本' });
  });
});

describe('apache_access – bad input', () => {
  it('apache_access – answers SIEM_PARSE_NO_MATCH for a line of another format', () => {
    expect(parseWith(apacheAccessParser, 'Failed password for root from 10.0.0.1 port 22 ssh2')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parseWith(apacheAccessParser, '{"message":"json"}')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
  });

  it('apache_access – reports a line truncated after its request as SIEM_PARSE_ACCESS_LOG_MISMATCH, naming the field', () => {
    const result = parseWith(apacheAccessParser, '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.exa');
    expect(result).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_ACCESS_LOG_MISMATCH', parser: 'apache_access', retryable: false, message: expect.stringContaining('%{Referer}i') } });
  });

  it('apache_access – reports an unterminated quoted request and a non-numeric status as mismatches', () => {
    expect(parseWith(apacheAccessParser, '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1 200 1 "-" "-')).toMatchObject({
      ok: false,
      error: { code: 'SIEM_PARSE_ACCESS_LOG_MISMATCH' },
    });
    expect(parseWith(apacheAccessParser, '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" OK 1 "-" "-"')).toMatchObject({
      ok: false,
      error: { code: 'SIEM_PARSE_ACCESS_LOG_MISMATCH', message: expect.stringContaining('%>s') },
    });
  });

  it('apache_access – reports text after the last field as a mismatch rather than dropping it', () => {
    expect(parseWith(apacheAccessParser, `${APACHE_DOC_COMBINED} 1234`)).toMatchObject({ ok: false, error: { message: expect.stringContaining('extra text') } });
  });

  it('apache_access – reads a time with a one-digit day, as some servers and converters write it', () => {
    const line = '198.51.100.7 - - [1/Apr/2014:00:00:01 -0500] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0"';
    expect(event(apacheAccessParser, line)['@timestamp']).toBe('2014-04-01T05:00:01.000Z');
    expect(event(nginxAccessParser, line)['@timestamp']).toBe('2014-04-01T05:00:01.000Z');
    const noDay = parseWith(apacheAccessParser, '198.51.100.7 - - [/Apr/2014:00:00:01 -0500] "GET / HTTP/1.1" 200 512 "-" "curl/8.0"');
    expect(noDay.ok).toBe(false);
  });

  it('apache_access – answers NO_MATCH for an impossible date and for binary junk', () => {
    expect(parseWith(apacheAccessParser, '1.2.3.4 - - [31/Feb/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-"')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(parseWith(apacheAccessParser, Buffer.from([0x01, 0x20, 0x02, 0x20, 0x5b, 0x22, 0x5c, 0x22, 0x7f]))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
  });

  it('apache_access – scans a 1 MiB user agent and a 1 MiB run of backslashes without failing', () => {
    const agent = 'A'.repeat(1024 * 1024);
    const parsed = parseWith(apacheAccessParser, `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "${agent}"`, {}, 4 * 1024 * 1024);
    expect(parsed.ok && (parsed.event.user_agent as { original: string }).original.length).toBe(agent.length);
    const slashes = parseWith(apacheAccessParser, `1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "${'\\'.repeat(1024 * 1024)}`, {}, 4 * 1024 * 1024);
    expect(slashes).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_ACCESS_LOG_MISMATCH' } });
  });
});

describe('nginx_access', () => {
  // nginx's predefined "combined" log_format (ngx_http_log_module docs), as written by a default install.
  const NGINX_COMBINED = '203.0.113.9 - - [02/Jan/2024:03:04:05 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "Mozilla/5.0 (X11; Linux x86_64)"';

  it('nginx_access – parses the predefined combined format field by field', () => {
    const parsed = event(nginxAccessParser, NGINX_COMBINED);
    expect(parsed['@timestamp']).toBe('2024-01-02T03:04:05.000Z');
    expect(parsed.source).toEqual({ address: '203.0.113.9', ip: '203.0.113.9' });
    expect(parsed.http).toEqual({ request: { method: 'GET' }, response: { status_code: 200, body: { bytes: 612 } }, version: '1.1' });
    expect(parsed.url).toEqual({ original: '/index.html', path: '/index.html' });
    expect(parsed.user_agent).toEqual({ original: 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(parsed.event).toMatchObject({ dataset: 'nginx_access', category: ['web'], outcome: 'success' });
    expect(parsed).not.toHaveProperty('user');
    expect(parsed).not.toHaveProperty('nginx');
  });

  it('nginx_access – decodes the \\xHH escapes nginx writes for quotes and non-ASCII bytes', () => {
    const parsed = event(nginxAccessParser, '10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "GET /caf\\xC3\\xA9?q=\\x22x\\x22 HTTP/1.1" 404 0 "https://example.com/\\xE6\\x97\\xA5" "agent \\x22quoted\\x22"');
    expect(parsed.url).toEqual({ original: '/café?q="x"', path: '/café', query: 'q="x"' });
    expect(parsed.http).toMatchObject({ request: { referrer: 'https://example.com/日' }, response: { status_code: 404, body: { bytes: 0 } } });
    expect(parsed.user_agent).toEqual({ original: 'agent "quoted"' });
  });

  it('nginx_access – parses the main format with X-Forwarded-For, and a custom one with timings', () => {
    const main = event(nginxAccessParser, `${NGINX_COMBINED} "198.51.100.1"`, { format: 'main' });
    expect(main.nginx).toEqual({ access: { http_x_forwarded_for: '198.51.100.1' } });
    const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" urt="$upstream_response_time" $host';
    const parsed = event(
      nginxAccessParser,
      '10.1.2.3 - alice [02/Jan/2024:03:04:05 +0100] "PUT /api/v1/items/9 HTTP/2.0" 201 17 "-" "okhttp/4.9" rt=0.125 uct="0.001, 0.002" urt="-" api.example.com',
      { format },
    );
    expect(parsed['@timestamp']).toBe('2024-01-02T02:04:05.000Z');
    expect(parsed.user).toEqual({ name: 'alice' });
    expect(parsed.event).toMatchObject({ duration: 125_000_000, outcome: 'success' });
    expect(parsed.nginx).toEqual({ access: { upstream_connect_time: '0.001, 0.002' } });
    expect(parsed.url).toEqual({ domain: 'api.example.com', original: '/api/v1/items/9', path: '/api/v1/items/9' });
  });

  it('nginx_access – reads $time_iso8601, $msec, ${braced} variables and separate $request_method $uri $args', () => {
    const iso = event(nginxAccessParser, '2024-01-02T03:04:05+02:00 10.0.0.1 GET /p a=1 200', { format: '$time_iso8601 ${remote_addr} $request_method $uri $args $status' });
    expect(iso['@timestamp']).toBe('2024-01-02T01:04:05.000Z');
    expect(iso.url).toEqual({ original: '/p?a=1', path: '/p', query: 'a=1' });
    const msec = event(nginxAccessParser, '1704164645.123 10.0.0.1 200', { format: '$msec $remote_addr $status' });
    expect(msec['@timestamp']).toBe('2024-01-02T03:04:05.123Z');
  });

  it('nginx_access – refuses a variable named like a prototype key at start', () => {
    expect(() => nginxAccessParser.create({ options: { format: '$remote_addr $__proto__' } })).toThrow(/\$__proto__/);
  });

  it('nginx_access – as a body parser returns undefined for a body of another format, so a chained syslog event keeps its own fields', () => {
    const parseBody = compileBodyParser(nginxAccessBodyParser, createParserContext({ now: () => NOW })).parseBody;
    expect(parseBody('worker process 1234 exited on signal 9')).toBeUndefined();
    expect(parseBody(NGINX_COMBINED)).toMatchObject({ http: { response: { status_code: 200 } } });
    const apacheBody = compileBodyParser(apacheAccessBodyParser, createParserContext({ now: () => NOW }), { format: 'common' }).parseBody;
    expect(apacheBody('')).toBeUndefined();
  });
});
