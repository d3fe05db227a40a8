import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createSyslogParser, isRfc5424 } from './syslog';

const parser = createSyslogParser();

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T12:00:00.000Z', sourceAddress: '192.0.2.10', input: 'syslog_tcp' };
}

describe('syslog – RFC 5424 or RFC 3164 by inspection', () => {
  it('syslog – parses a line with version 1 after the priority as RFC 5424', () => {
    const result = parser.parse(record('<13>1 2026-11-23T11:22:01.123456+00:00 myhost root 1234 - [timeQuality tzKnown="1"] hello'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc5424');
    expect(result.ok && result.event.message).toBe('hello');
  });

  it('syslog – parses a line with a BSD timestamp after the priority as RFC 3164', () => {
    const result = parser.parse(record('<13>Nov 23 11:22:01 myhost root: hello'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc3164');
    expect(result.ok && result.event.message).toBe('hello');
  });

  it('syslog – reports a bad priority on an RFC 5424-shaped line from the RFC 5424 parser', () => {
    const result = parser.parse(record('<999>1 - - - - - -'));
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', parser: 'syslog_rfc5424' });
  });

  it('syslog – reports a broken RFC 5424 header instead of reading it as RFC 3164', () => {
    const result = parser.parse(record('<13>1 2026-11-23T11:22:01Z host'));
    expect(result.ok ? undefined : result.error.code).toBe('SIEM_PARSE_TRUNCATED_HEADER');
  });

  it('syslog – reports the common checks under its own name', () => {
    const result = parser.parse(record(''));
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_EMPTY', parser: 'syslog' });
  });

  it.each([
    ['<13>1 - - - - - -', true],
    ['<1>1 x', true],
    ['<191>1 ', true],
    ['<13>1', false],
    ['<13>12 - - - - - -', false],
    ['<13>Oct 11 22:14:15 host app: hi', false],
    ['<1234>1 x', false],
    ['<>1 x', false],
    ['13>1 x', false],
  ])('syslog – isRfc5424(%j) is %s', (line, expected) => {
    expect(isRfc5424(line)).toBe(expected);
  });
});
