import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createRfc5424Parser } from './syslog-rfc5424';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const parser = createRfc5424Parser({ now: () => NOW });

function record(line: string, overrides: Partial<RawRecord> = {}): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T11:59:59.500Z', sourceAddress: '192.0.2.10', input: 'syslog_udp', ...overrides };
}

function parse(line: string, overrides: Partial<RawRecord> = {}) {
  const result = parser.parse(record(line, overrides));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

function errorCode(line: string): string | undefined {
  const result = parser.parse(record(line));
  return result.ok ? undefined : result.error.code;
}

const BOM = '\uFEFF';

describe('syslog_rfc5424 – RFC 5424 section 6.5 examples', () => {
  it('syslog_rfc5424 – parses example 1: no structured data, BOM before the message', () => {
    const line = `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`;
    expect(parse(line)).toEqual({
      '@timestamp': '2003-10-11T22:14:15.003Z',
      message: "'su root' failed for lonvick on /dev/pts/8",
      event: { original: line, ingested: '2026-11-23T12:00:00.000Z', dataset: 'syslog_rfc5424' },
      host: { name: 'mymachine.example.com', hostname: 'mymachine.example.com' },
      log: {
        source: { address: '192.0.2.10' },
        level: 'critical',
        syslog: {
          priority: 34,
          facility: { code: 4, name: 'auth' },
          severity: { code: 2, name: 'critical' },
          version: '1',
          hostname: 'mymachine.example.com',
          appname: 'su',
          msgid: 'ID47',
        },
      },
      process: { name: 'su' },
    });
  });

  it('syslog_rfc5424 – parses example 2: microseconds and a -07:00 offset, numeric PROCID', () => {
    const event = parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
    expect(event['@timestamp']).toBe('2003-08-24T12:14:15.000Z');
    expect(event.message).toBe("%% It's time to make the do-nuts.");
    expect(event.host).toEqual({ name: '192.0.2.1', hostname: '192.0.2.1' });
    expect(event.process).toEqual({ name: 'myproc', pid: 8710 });
    expect(event.log?.syslog).toMatchObject({
      priority: 165,
      facility: { code: 20, name: 'local4' },
      severity: { code: 5, name: 'notice' },
      procid: '8710',
    });
    expect(event.log?.syslog?.msgid).toBeUndefined();
    expect(event.log?.syslog?.structured_data).toBeUndefined();
  });

  it('syslog_rfc5424 – parses example 3: one structured data element and a BOM message', () => {
    const event = parse(
      `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${BOM}An application event log entry...`,
    );
    expect(event.log?.syslog?.structured_data).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    });
    expect(event.message).toBe('An application event log entry...');
    expect(event.process).toEqual({ name: 'evntslog' });
  });

  it('syslog_rfc5424 – parses example 4: two structured data elements and no message', () => {
    const event = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    expect(event.log?.syslog?.structured_data).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' },
    });
    expect(event).not.toHaveProperty('message');
  });
});

describe('syslog_rfc5424 – structured data', () => {
  it('syslog_rfc5424 – keeps structured data with escaped quotes, backslashes and brackets', () => {
    const event = parse(String.raw`<13>1 2026-11-23T11:22:01Z host app - - [exampleSDID@32473 quote="say \"hi\"" slash="a\\b" bracket="[x\]" path="C:\temp"] msg`);
    expect(event.log?.syslog?.structured_data).toEqual({
      'exampleSDID@32473': { quote: 'say "hi"', slash: 'a\\b', bracket: '[x]', path: 'C:\\temp' },
    });
    expect(event.message).toBe('msg');
  });

  it('syslog_rfc5424 – accepts an element without parameters and an empty value', () => {
    const event = parse('<13>1 - - - - - [meta@1][origin ip="" software="x"]');
    expect(event.log?.syslog?.structured_data).toEqual({ 'meta@1': {}, origin: { ip: '', software: 'x' } });
  });

  it('syslog_rfc5424 – merges a repeated SD-ID and keeps the last value of a repeated parameter', () => {
    const event = parse('<13>1 - - - - - [a@1 x="1" x="2"][a@1 y="3"]');
    expect(event.log?.syslog?.structured_data).toEqual({ 'a@1': { x: '2', y: '3' } });
  });

  it('syslog_rfc5424 – drops prototype-polluting SD-IDs and parameter names', () => {
    const event = parse('<13>1 - - - - - [__proto__ polluted="1"][id@1 constructor="x" prototype="y" __proto__="z" ok="1"]');
    const structuredData = event.log?.syslog?.structured_data;
    expect(structuredData).toEqual({ 'id@1': { ok: '1' } });
    expect(Object.getPrototypeOf(structuredData)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['an unterminated element', '<13>1 - - - - - [id@1 a="1"'],
    ['an unterminated value', '<13>1 - - - - - [id@1 a="1]'],
    ['a space before the SD-ID (RFC invalid example 4)', '<13>1 - - - - - [ exampleSDID@32473 iut="3"]'],
    ['an unquoted value', '<13>1 - - - - - [id@1 a=1]'],
    ['a parameter without a value', '<13>1 - - - - - [id@1 a]'],
    ['a trailing space inside the element', '<13>1 - - - - - [id@1 a="1" ]'],
    ['neither "-" nor "["', '<13>1 - - - - - x'],
    ['text glued to the nil value', '<13>1 - - - - - -x'],
    ['text glued to the element', '<13>1 - - - - - [id@1 a="1"]x'],
    ['a backslash escaping the closing quote at the end', '<13>1 - - - - - [id@1 a="1\\"]'],
  ])('syslog_rfc5424 – rejects structured data with %s', (_, line) => {
    expect(errorCode(line)).toBe('SIEM_PARSE_BAD_STRUCTURED_DATA');
  });
});

describe('syslog_rfc5424 – header fields', () => {
  it('syslog_rfc5424 – parses the shape util-linux logger sends', () => {
    const event = parse(
      '<13>1 2026-11-23T11:22:01.123456+00:00 myhost root 1234 - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="58000"] hello',
    );
    expect(event['@timestamp']).toBe('2026-11-23T11:22:01.123Z');
    expect(event.message).toBe('hello');
    expect(event.host).toEqual({ name: 'myhost', hostname: 'myhost' });
    expect(event.process).toEqual({ name: 'root', pid: 1234 });
    expect(event.log?.syslog?.structured_data).toEqual({ timeQuality: { tzKnown: '1', isSynced: '1', syncAccuracy: '58000' } });
    expect(event.log?.level).toBe('notice');
  });

  it('syslog_rfc5424 – uses the receive time for a nil timestamp and the sender address for a nil hostname', () => {
    const event = parse('<14>1 - - - - - - hi');
    expect(event['@timestamp']).toBe('2026-11-23T11:59:59.500Z');
    expect(event.host).toEqual({ name: '192.0.2.10' });
    expect(event.log?.syslog?.hostname).toBeUndefined();
    expect(event).not.toHaveProperty('process');
    expect(event.log?.source).toEqual({ address: '192.0.2.10' });
  });

  it('syslog_rfc5424 – falls back to the clock when the receive time is unusable', () => {
    const event = parse('<14>1 - - - - - - hi', { receivedAt: 'not a date' });
    expect(event['@timestamp']).toBe('2026-11-23T12:00:00.000Z');
  });

  it('syslog_rfc5424 – leaves host and log.source out when neither hostname nor sender address is known', () => {
    const result = parser.parse({ payload: Buffer.from('<14>1 - - - - - - hi'), receivedAt: '2026-11-23T11:59:59.500Z', input: 'syslog_udp' });
    expect(result.ok && result.event.host).toBe(undefined);
    expect(result.ok && result.event.log).toEqual({ syslog: expect.any(Object), level: 'informational' });
  });

  it('syslog_rfc5424 – keeps a non-numeric PROCID without a pid', () => {
    const event = parse('<14>1 2026-11-23T11:22:01Z host app worker-7 - - hi');
    expect(event.log?.syslog?.procid).toBe('worker-7');
    expect(event.process).toEqual({ name: 'app' });
  });

  it('syslog_rfc5424 – sets process.pid from PROCID even without APP-NAME', () => {
    expect(parse('<14>1 2026-11-23T11:22:01Z host - 42 - - hi').process).toEqual({ pid: 42 });
  });

  it('syslog_rfc5424 – reads priority 0 and 191 as kern/emergency and local7/debug', () => {
    expect(parse('<0>1 - - - - - -').log?.syslog).toMatchObject({ facility: { code: 0, name: 'kern' }, severity: { code: 0, name: 'emergency' } });
    expect(parse('<191>1 - - - - - -').log?.syslog).toMatchObject({ facility: { code: 23, name: 'local7' }, severity: { code: 7, name: 'debug' } });
  });

  it('syslog_rfc5424 – treats an empty MSG after the space as no message and keeps spaces inside the message', () => {
    expect(parse('<14>1 - - - - - - ')).not.toHaveProperty('message');
    expect(parse('<14>1 - - - - - -  two  spaces ').message).toBe(' two  spaces ');
  });

  it('syslog_rfc5424 – strips one trailing newline or CRLF', () => {
    expect(parse('<14>1 - - - - - - hi\r\n').message).toBe('hi');
    expect(parse('<14>1 - - - - - - hi\n').event.original).toBe('<14>1 - - - - - - hi');
    expect(parse('<14>1 - - - - - - hi\n\n').message).toBe('hi\n');
  });

  it('syslog_rfc5424 – omits event.original when keepOriginal is false', () => {
    const result = createRfc5424Parser({ keepOriginal: false, now: () => NOW }).parse(record('<14>1 - - - - - - hi'));
    expect(result.ok && result.event.event).toEqual({ ingested: '2026-11-23T12:00:00.000Z', dataset: 'syslog_rfc5424' });
  });

  it('syslog_rfc5424 – keeps UTF-8 text in the message', () => {
    expect(parse('<14>1 - host app - - - Grüße 🌍').message).toBe('Grüße 🌍');
  });
});

describe('syslog_rfc5424 – malformed lines', () => {
  it.each([
    ['a priority above 191', '<999>1 - - - - - -'],
    ['a priority of 192', '<192>1 - - - - - -'],
    ['letters as priority', '<abc>1 - - - - - -'],
    ['a missing ">"', '<13'],
    ['a missing "<"', '13>1 - - - - - -'],
    ['an empty priority', '<>1 - - - - - -'],
    ['a leading zero', '<013>1 - - - - - -'],
    ['four digits', '<0013>1 - - - - - -'],
    ['no priority at all', 'hello world'],
  ])('syslog_rfc5424 – rejects %s as a bad priority', (_, line) => {
    expect(errorCode(line)).toBe('SIEM_PARSE_BAD_PRIORITY');
  });

  it.each([
    ['only priority and version', '<34>1'],
    ['a version and a space', '<34>1 '],
    ['a header cut after HOSTNAME', '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com'],
    ['no STRUCTURED-DATA', '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47'],
    ['a space but no STRUCTURED-DATA', '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 '],
  ])('syslog_rfc5424 – rejects %s as a truncated header', (_, line) => {
    expect(errorCode(line)).toBe('SIEM_PARSE_TRUNCATED_HEADER');
  });

  it('syslog_rfc5424 – rejects an empty header field as a bad header', () => {
    expect(errorCode('<34>1 2003-10-11T22:14:15.003Z  su - ID47 - msg')).toBe('SIEM_PARSE_BAD_HEADER');
  });

  it.each([
    ['an RFC 3164 line', "<34>Oct 11 22:14:15 mymachine su: 'su root' failed"],
    ['version 2', '<34>2 - - - - - -'],
    ['version 0', '<34>0 - - - - - -'],
    ['a timestamp where the version belongs', '<34>2003-10-11T22:14:15.003Z host app - - -'],
  ])('syslog_rfc5424 – rejects %s as a bad version', (_, line) => {
    expect(errorCode(line)).toBe('SIEM_PARSE_BAD_VERSION');
  });

  it.each([
    ['lower-case t and z', '2003-10-11t22:14:15.003z'],
    ['month 13', '2003-13-11T22:14:15Z'],
    ['29 February in a common year', '2003-02-29T00:00:00Z'],
    ['seven fraction digits', '2003-10-11T22:14:15.1234567Z'],
    ['no offset', '2003-10-11T22:14:15'],
    ['hour 24', '2003-10-11T24:00:00Z'],
    ['a leap second', '2003-10-11T22:14:60Z'],
    ['a compact offset', '2003-10-11T22:14:15+0200'],
    ['an empty fraction', '2003-10-11T22:14:15.Z'],
    ['a BSD timestamp', 'Oct'],
  ])('syslog_rfc5424 – rejects a timestamp with %s', (_, timestamp) => {
    expect(errorCode(`<34>1 ${timestamp} host app - - - msg`)).toBe('SIEM_PARSE_BAD_TIMESTAMP');
  });

  it('syslog_rfc5424 – accepts 29 February in a leap year and a +05:45 offset', () => {
    expect(parse('<34>1 2024-02-29T05:45:00+05:45 h a - - -')['@timestamp']).toBe('2024-02-29T00:00:00.000Z');
  });

  it('syslog_rfc5424 – returns errors that say which parser failed and are not retryable', () => {
    const result = parser.parse(record('<999>1 - - - - - -'));
    expect(result).toEqual({
      ok: false,
      error: { code: 'SIEM_PARSE_BAD_PRIORITY', message: expect.stringMatching(/priority/), parser: 'syslog_rfc5424', retryable: false },
    });
  });
});
