/**
 * Squid lines written from the Squid wiki's description of the native access
 * log and its result codes (SquidFaq/SquidLogs); IIS lines from Microsoft's
 * "W3C Extended Log File Format (IIS 6.0)" and IIS logging field reference.
 * Documentation addresses and names.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const squid = createParser('squid', { now: () => NOW });

function record(line: string, filePath?: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file', ...(filePath === undefined ? {} : { filePath }) };
}

function ok(result: ReturnType<typeof squid.parse>) {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event as Record<string, any>;
}

const sq = (line: string) => {
  const event = ok(squid.parse(record(line)));
  expect(event.event.dataset).toBe('squid');
  return event;
};

describe('squid', () => {
  it('squid – a cache miss fetched directly from the origin', () => {
    const event = sq('1796378400.123    150 198.51.100.7 TCP_MISS/200 1234 GET http://www.example.com/index.html?a=1 alice HIER_DIRECT/192.0.2.80 text/html');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.123Z');
    expect(event.event).toMatchObject({ action: 'tcp_miss', outcome: 'success', category: ['web', 'network'], type: ['access'], duration: 150e6 });
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.http).toEqual({ request: { method: 'GET' }, response: { bytes: 1234, status_code: 200, mime_type: 'text/html' } });
    expect(event.url).toEqual({ original: 'http://www.example.com/index.html?a=1', scheme: 'http', domain: 'www.example.com', path: '/index.html', query: 'a=1' });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.destination).toEqual({ ip: '192.0.2.80', address: '192.0.2.80' });
    expect(event.squid).toEqual({ request_status: 'TCP_MISS', hierarchy_status: 'HIER_DIRECT' });
  });

  it('squid – hits from memory and disk, and a refresh', () => {
    expect(sq('1796378401.000      0 198.51.100.7 TCP_MEM_HIT/200 5120 GET http://www.example.com/logo.png - HIER_NONE/- image/png').destination).toBeUndefined();
    expect(sq('1796378401.500      2 198.51.100.7 TCP_HIT/200 20480 GET http://www.example.com/app.js - HIER_NONE/- application/javascript').squid.request_status).toBe('TCP_HIT');
    expect(sq('1796378402.000     80 198.51.100.7 TCP_REFRESH_MODIFIED/200 900 GET http://www.example.com/news - HIER_DIRECT/192.0.2.80 text/html').event.outcome).toBe('success');
  });

  it('squid – a CONNECT tunnel names the domain and port', () => {
    const event = sq('1796378403.000  60000 198.51.100.7 TCP_TUNNEL/200 48213 CONNECT www.example.com:443 alice HIER_DIRECT/192.0.2.80 -');
    expect(event.url).toEqual({ domain: 'www.example.com', port: 443, original: 'www.example.com:443' });
    expect(event.http.response.mime_type).toBeUndefined();
  });

  it('squid – denied and proxy-authentication-required requests', () => {
    const denied = sq('1796378404.000      1 203.0.113.9 TCP_DENIED/403 3900 GET http://blocked.example.net/ - HIER_NONE/- text/html');
    expect(denied.event).toMatchObject({ outcome: 'failure', type: ['access', 'denied'] });
    expect(sq('1796378405.000      1 198.51.100.8 TCP_DENIED/407 4100 GET http://www.example.com/ - HIER_NONE/- text/html').event.type).toEqual(['access', 'denied']);
  });

  it('squid – via a parent peer, a POST, and an aborted miss', () => {
    const parent = sq('1796378406.000    300 198.51.100.7 TCP_MISS/200 800 POST http://api.example.com/v1/items bob FIRSTUP_PARENT/parent.example.net application/json');
    expect(parent.destination).toEqual({ domain: 'parent.example.net', address: 'parent.example.net' });
    expect(parent.http.request.method).toBe('POST');
    expect(sq('1796378407.000   5000 198.51.100.7 TCP_MISS_ABORTED/000 0 GET http://www.example.com/big.iso - HIER_DIRECT/192.0.2.80 -').event.outcome).toBeUndefined();
  });

  it('squid – sent to syslog, chained by the program', () => {
    const event = ok(auto.parse(record('Dec  4 10:00:00 proxy1 squid[900]: 1796378400.123    150 198.51.100.7 TCP_MISS/200 1234 GET http://www.example.com/ - HIER_DIRECT/192.0.2.80 text/html')));
    expect(event.event.dataset).toBe('squid');
    expect(event.host.name).toBe('proxy1');
  });

  it('squid – a line cut after its status goes to the dead letters with the reason', () => {
    const result = squid.parse(record('1796378400.123    150 198.51.100.7 TCP_MISS/200 1234'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/logformat/);
    }
  });
});

describe('iis', () => {
  it('iis – a record in the default field list', () => {
    const iis = createParser('iis', { now: () => NOW });
    const event = ok(iis.parse(record('2026-12-04 10:00:00 192.0.2.80 GET /index.html a=1 443 alice 198.51.100.7 Mozilla/5.0+(Windows+NT+10.0) https://www.example.com/ 200 0 0 15')));
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ category: ['web'], type: ['access'], outcome: 'success', duration: 15e6 });
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.destination).toEqual({ ip: '192.0.2.80', port: 443 });
    expect(event.url).toEqual({ path: '/index.html', query: 'a=1', original: '/index.html?a=1' });
    expect(event.http).toEqual({ request: { method: 'GET', referrer: 'https://www.example.com/' }, response: { status_code: 200 } });
    expect(event.user_agent).toEqual({ original: 'Mozilla/5.0 (Windows NT 10.0)' });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.iis.access).toEqual({ sub_status: 0, win32_status: 0 });
  });

  it("iis – a file's #Fields: directive sets the field list for that file only", () => {
    const iis = createParser('iis', { now: () => NOW });
    const header = ok(iis.parse(record('#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip cs-version cs(User-Agent) cs(Cookie) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken', 'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex261204.log')));
    expect(header.event.action).toBe('w3c_directive');
    expect(header.tags).toEqual(['w3c_directive']);
    const event = ok(iis.parse(record('2026-12-04 10:00:01 W3SVC1 WEB01 192.0.2.80 POST /login.aspx - 443 203.0.113.9 HTTP/1.1 curl/8.5.0 - www.example.com 401 1 2148074254 1520 512 31', 'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex261204.log')));
    expect(event.event.outcome).toBe('failure');
    expect(event.http).toEqual({ request: { method: 'POST', bytes: 512 }, response: { status_code: 401, body: { bytes: 1520 } }, version: '1.1' });
    expect(event.url).toMatchObject({ domain: 'www.example.com', path: '/login.aspx' });
    expect(event.iis.access).toEqual({ sub_status: 1, win32_status: 2148074254, site_name: 'W3SVC1', server_name: 'WEB01' });
    // Another file of the same input still has the default list.
    const other = ok(iis.parse(record('2026-12-04 10:00:02 192.0.2.81 GET / - 80 - 198.51.100.8 - - 404 0 2 1', 'C:\\inetpub\\logs\\LogFiles\\W3SVC2\\u_ex261204.log')));
    expect(other.http.response.status_code).toBe(404);
  });

  it('iis – the other directives come out as directive events', () => {
    const iis = createParser('iis', { now: () => NOW });
    const event = ok(iis.parse(record('#Software: Microsoft Internet Information Services 10.0')));
    expect(event.iis.directive).toEqual({ software: 'Microsoft Internet Information Services 10.0' });
  });

  it('iis – the fields option sets the list used before any directive', () => {
    const iis = createParser('iis', { now: () => NOW, options: { fields: 'date time c-ip cs-method cs-uri-stem sc-status' } });
    expect(ok(iis.parse(record('2026-12-04 10:00:00 198.51.100.7 GET / 200'))).http.response.status_code).toBe(200);
  });

  it('iis – a record with more fields than the directive names goes to the dead letters with the reason', () => {
    const iis = createParser('iis', { now: () => NOW });
    const result = iis.parse(record('2026-12-04 10:00:00 W3SVC1 WEB01 192.0.2.80 GET / - 443 - 198.51.100.7 - - 200 0 0 15 extra'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/#Fields:/);
    }
  });
});
