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
