/**
 * Lines written from the BIND 9 Administrator Reference Manual (the logging
 * statement, its categories and the query log's flag letters), with
 * documentation addresses and names.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const bind = createParser('bind', { now: () => NOW, timezone: 'Europe/Berlin' });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(body: string) {
  const result = auto.parse(record(`Dec  4 10:00:00 ns1 named[812]: ${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('bind');
  return result.event as Record<string, any>;
}

describe('bind – query log', () => {
  it('bind – a recursive UDP query with EDNS and a cookie', () => {
    const event = parse('client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)');
    expect(event.dns).toEqual({ type: 'query', question: { name: 'www.example.com', class: 'IN', type: 'A' }, header_flags: ['RD'] });
    expect(event.client).toEqual({ ip: '198.51.100.7', port: 53211 });
    expect(event.source).toEqual({ ip: '198.51.100.7', port: 53211 });
    expect(event.server).toEqual({ ip: '192.0.2.53' });
    expect(event.network).toEqual({ protocol: 'dns', transport: 'udp' });
    expect(event.event).toMatchObject({ action: 'dns_query', category: ['network'], type: ['protocol'] });
    expect(event.bind).toMatchObject({ edns_version: 0, client_query: 'www.example.com' });
  });

  it('bind – a non-recursive TCP query with DO and CD, IPv6 client, category prefix', () => {
    const event = parse('queries: info: client @0x7f2a1c0d9f70 2001:db8::7#40000 (example.org): query: example.org IN DNSKEY -E(0)TDC (2001:db8::53)');
    expect(event.dns.header_flags).toEqual(['CD', 'DO']);
    expect(event.network.transport).toBe('tcp');
    expect(event.log.level).toBe('info');
    expect(event.bind.category).toBe('queries');
  });

  it('bind – an older query line without the client object address', () => {
    const event = parse('client 198.51.100.8#5353: query: mail.example.com IN MX + (192.0.2.53)');
    expect(event.dns.question).toEqual({ name: 'mail.example.com', class: 'IN', type: 'MX' });
  });

  it('bind – denied query, update and zone transfer', () => {
    const query = parse("client @0x7f2a1c0d8e60 203.0.113.9#4000 (example.com): query (cache) 'example.com/ANY/IN' denied");
    expect(query.event).toMatchObject({ action: 'query_denied', outcome: 'failure', type: ['protocol', 'denied'] });
    expect(query.dns.question).toEqual({ name: 'example.com', type: 'ANY', class: 'IN' });
    expect(parse("client @0x7f2a1c0d8e60 203.0.113.9#4001 (example.com): update 'example.com/IN' denied").event.action).toBe('update_denied');
    expect(parse("client @0x7f2a1c0d8e60 203.0.113.9#4002 (example.com): zone transfer 'example.com/AXFR/IN' denied").event.action).toBe('zone_transfer_denied');
  });

  it('bind – an outgoing zone transfer starting', () => {
    const event = parse("client @0x7f2a1c0d8e60 192.0.2.54#53000 (example.com): transfer of 'example.com/IN': AXFR started");
    expect(event.event).toMatchObject({ action: 'zone_transfer_started', type: ['protocol', 'start'] });
    expect(event.dns.question).toEqual({ name: 'example.com', class: 'IN', type: 'AXFR' });
  });
});

describe('bind – server messages', () => {
  it('bind – zone loaded, transferred and notifies', () => {
    const loaded = parse('zone example.com/IN: loaded serial 2026120401');
    expect(loaded.event.action).toBe('zone_loaded');
    expect(loaded.bind.zone.serial).toBe(2026120401);
    expect(parse('zone example.com/IN: transferred serial 2026120402').event.action).toBe('zone_transferred');
    expect(parse('zone example.com/IN/internal: sending notifies (serial 2026120403)').event.action).toBe('zone_notify');
  });

  it('bind – an incoming transfer that failed', () => {
    const event = parse("transfer of 'example.com/IN' from 192.0.2.1#53: failed while receiving responses: REFUSED");
    expect(event.event).toMatchObject({ action: 'zone_transfer_in', outcome: 'failure' });
    expect(event.server).toEqual({ ip: '192.0.2.1', port: 53 });
  });

  it('bind – control commands and start-up', () => {
    expect(parse("received control channel command 'reload'").bind.command).toBe('reload');
    const start = parse('starting BIND 9.18.28-1~deb12u2-Debian (Extended Support Version) <id:>');
    expect(start.service.version).toBe('9.18.28-1~deb12u2-Debian');
    expect(parse('running').event.type).toEqual(['start']);
  });

  it('bind – resolver errors name the server that failed', () => {
    const event = parse("lame server resolving 'broken.example.net' (in 'example.net'?): 198.51.100.53#53");
    expect(event.event).toMatchObject({ action: 'resolver_error', outcome: 'failure', reason: 'lame server' });
    expect(event.destination).toEqual({ ip: '198.51.100.53', port: 53 });
  });

  it("bind – named's own log file lines, time read in the configured zone", () => {
    const result = bind.parse(record('04-Dec-2026 10:00:00.123 queries: info: client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN AAAA + (192.0.2.53)'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event['@timestamp']).toBe('2026-12-04T09:00:00.123Z');
      expect((result.event as Record<string, any>).dns.question.type).toBe('AAAA');
    }
  });
});

describe('bind – bad input', () => {
  it('bind – a query line cut before its flags goes to the dead letters with the reason', () => {
    const result = bind.parse(record('Dec  4 10:00:00 ns1 named[812]: client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/query: <name>/);
    }
  });

  it('bind – other named messages under auto keep their syslog fields', () => {
    const result = auto.parse(record('Dec  4 10:00:00 ns1 named[812]: managed-keys-zone: Key 20326 for zone . is now trusted'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc3164');
  });
});
