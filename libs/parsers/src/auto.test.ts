import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createAutoParser } from './auto';

const parser = createAutoParser();

function record(line: string | Buffer): RawRecord {
  return { payload: typeof line === 'string' ? Buffer.from(line) : line, receivedAt: '2026-11-23T12:00:00.000Z', input: 'mixed' };
}

function dataset(line: string): string | undefined {
  const result = parser.parse(record(line));
  return result.ok ? result.event.event.dataset : undefined;
}

function error(line: string | Buffer) {
  const result = parser.parse(record(line));
  return result.ok ? undefined : result.error;
}

describe('auto – format detection', () => {
  it('auto – detects RFC 5424 syslog from "<pri>1 "', () => {
    expect(dataset('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - msg')).toBe('syslog_rfc5424');
  });

  it('auto – detects RFC 3164 syslog from "<pri>" followed by anything else', () => {
    expect(dataset('<34>Oct 11 22:14:15 mymachine su: msg')).toBe('syslog_rfc3164');
  });

  it('auto – detects JSON from "{", also after leading whitespace', () => {
    expect(dataset('{"message": "x"}')).toBe('json');
    expect(dataset(' \t{"message": "x"}')).toBe('json');
  });

  it.each([
    ['plain text', 'hello world'],
    ['"<" without a digit', '<abc>Oct 11 22:14:15 host app: hi'],
    ['an XML element', '<event>x</event>'],
    ['a JSON array', '[{"message": "x"}]'],
    ['key=value', 'user=alice action=login'],
  ])('auto – reports %s as an unknown format', (_, line) => {
    expect(error(line)).toMatchObject({ code: 'SIEM_PARSE_UNKNOWN_FORMAT', parser: 'auto', retryable: false });
  });

  it('auto – passes on the error of the detected parser', () => {
    expect(error('<999>1 - - - - - -')).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', parser: 'syslog_rfc5424' });
    expect(error('{"a":')).toMatchObject({ code: 'SIEM_PARSE_INVALID_JSON', parser: 'json' });
  });

  it('auto – runs the common checks before detecting', () => {
    expect(error('')?.code).toBe('SIEM_PARSE_EMPTY');
    expect(error(Buffer.from([0x3c, 0x31, 0x3e, 0xff]))?.code).toBe('SIEM_PARSE_INVALID_UTF8');
  });
});

describe('auto: CEF and LEEF', () => {
  const parser = createAutoParser();
  const parse = (line: string) => parser.parse({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', input: 'http_ndjson' });

  it('detects a bare CEF line and a bare LEEF line', () => {
    expect(parse('CEF:0|Vendor|Product|1.0|100|Port scan|7|src=198.51.100.1 dpt=22')).toMatchObject({ ok: true, event: { event: { dataset: 'cef' }, source: { ip: '198.51.100.1' } } });
    expect(parse('LEEF:1.0|Vendor|Product|1.0|42|src=10.0.0.1\tdst=10.0.0.2')).toMatchObject({ ok: true, event: { event: { dataset: 'leef' }, destination: { ip: '10.0.0.2' } } });
  });

  it('reports a broken CEF header from the CEF parser', () => {
    expect(parse('CEF:0|only|three')).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_BAD_CEF_HEADER', parser: 'cef' } });
  });
});

describe('auto: squid and IIS files', () => {
  const parse = (parser: ReturnType<typeof createAutoParser>, line: string, filePath = '/var/log/web/u_ex261204.log') =>
    parser.parse({ payload: Buffer.from(line), receivedAt: '2026-12-04T10:00:00.000Z', input: 'file', filePath });

  it('auto – reads a squid native access.log line (epoch with milliseconds first) as squid', () => {
    const result = parse(createAutoParser(), '1796378400.123    150 198.51.100.7 TCP_DENIED/403 3963 CONNECT www.example.com:443 alice HIER_NONE/- text/html');
    expect(result.ok && result.event).toMatchObject({
      '@timestamp': '2026-12-04T10:00:00.123Z',
      event: { dataset: 'squid', action: 'tcp_denied' },
      source: { ip: '198.51.100.7' },
      http: { request: { method: 'CONNECT' }, response: { status_code: 403 } },
      url: { domain: 'www.example.com', port: 443 },
      user: { name: 'alice' },
    });
  });

  it('auto – sends a squid-shaped line without the ten fields to the dead letters as squid', () => {
    expect(error('1796378400.123    150 198.51.100.7 TCP_MISS/200')).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'squid' });
  });

  it('auto – reads IIS W3C directives and records, following the #Fields: of each file', () => {
    const parser = createAutoParser();
    const software = parse(parser, '#Software: Microsoft Internet Information Services 10.0');
    expect(software.ok && software.event).toMatchObject({ event: { dataset: 'iis', action: 'w3c_directive' }, tags: ['w3c_directive'] });
    expect(parse(parser, '#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken').ok).toBe(true);
    const custom = parse(parser, '2026-12-04 10:00:00 198.51.100.7 POST /login.aspx 401 31');
    expect(custom.ok && custom.event).toMatchObject({
      '@timestamp': '2026-12-04T10:00:00.000Z',
      event: { dataset: 'iis', outcome: 'failure', duration: 31_000_000 },
      source: { ip: '198.51.100.7' },
      http: { request: { method: 'POST' }, response: { status_code: 401 } },
      url: { path: '/login.aspx' },
    });
    // Another file of the same input has seen no directive: the default IIS field selection applies.
    const defaults = parse(parser, '2026-12-04 10:00:01 192.0.2.80 GET /index.html a=1 443 - 198.51.100.8 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 15', '/var/log/web/other.log');
    expect(defaults.ok && defaults.event).toMatchObject({ event: { dataset: 'iis' }, destination: { ip: '192.0.2.80', port: 443 }, user_agent: { original: 'Mozilla/5.0 (Windows NT 10.0)' } });
  });

  it('auto – keeps ISO 8601 syslog file lines as syslog, and an application line gets the syslog reason', () => {
    const parser = createAutoParser();
    const syslog = parse(parser, '2026-12-04 10:00:00 web-1 sshd[4321]: Failed password for root from 203.0.113.7 port 50123 ssh2');
    expect(syslog.ok && syslog.event.event.dataset).toBe('linux_auth');
    const noHost = parse(parser, '2026-12-04 10:00:00 cron: job done');
    expect(noHost.ok && noHost.event.event.dataset).toBe('syslog_rfc3164');
    const application = parse(parser, '2026-12-04 10:00:00 ERROR payment failed for order 42');
    expect(application.ok ? undefined : application.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', parser: 'syslog_rfc3164' });
  });

  it('auto – sends an IIS record whose field count differs from its file\'s #Fields: to the dead letters, with the syslog reason', () => {
    const parser = createAutoParser();
    parse(parser, '#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken');
    const result = parse(parser, '2026-12-04 10:00:00 198.51.100.7 POST /login.aspx 401');
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY' });
  });
});
