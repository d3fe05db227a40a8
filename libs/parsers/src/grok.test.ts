import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { ParserSetupError } from './errors';
import { grokParser } from './grok';
import { createParser } from './registry';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-11-23T11:59:59.000Z', sourceAddress: '192.0.2.10', input: 'app' };
}

function grok(options: Record<string, unknown>, maxMessageBytes = 1024 * 1024) {
  return grokParser.create({ now: () => NOW, maxMessageBytes, options });
}

function parse(options: Record<string, unknown>, line: string) {
  const result = grok(options).parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event as Record<string, any>;
}

function errorOf(options: Record<string, unknown>, line: string) {
  const result = grok(options).parse(record(line));
  return result.ok ? undefined : result.error;
}

function setupError(options: Record<string, unknown>): ParserSetupError | undefined {
  try {
    grok(options);
    return undefined;
  } catch (error) {
    return error as ParserSetupError;
  }
}

describe('grok – matching', () => {
  it('grok – parses the Elasticsearch grok example with int and float conversions', () => {
    const event = parse(
      { patterns: ['%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes:int} %{NUMBER:duration:float}'] },
      '55.3.244.1 GET /index.html 15824 0.043',
    );
    expect(event).toEqual({
      '@timestamp': '2026-11-23T11:59:59.000Z',
      message: '55.3.244.1 GET /index.html 15824 0.043',
      client: '55.3.244.1',
      method: 'GET',
      request: '/index.html',
      bytes: 15824,
      duration: 0.043,
      event: { dataset: 'grok', ingested: '2026-11-23T12:00:00.000Z', original: '55.3.244.1 GET /index.html 15824 0.043' },
      host: { name: '192.0.2.10' },
      log: { source: { address: '192.0.2.10' } },
    });
  });

  it('grok – nests captures with dots, Logstash [a][b] names and named groups as ECS objects', () => {
    const event = parse(
      { patterns: ['%{IPORHOST:source.ip} %{WORD:[http][request][method]} (?<url.path>\\S+) (?<http.response.status_code>\\d{3})'] },
      '10.0.0.1 POST /login 401',
    );
    expect(event).toMatchObject({ source: { ip: '10.0.0.1' }, http: { request: { method: 'POST' }, response: { status_code: '401' } }, url: { path: '/login' } });
  });

  it('grok – parses the Logstash postfix example with a custom pattern definition', () => {
    const event = parse(
      { patterns: ['%{SYSLOGBASE} %{POSTFIX_QUEUEID:postfix.queue_id}: %{GREEDYDATA:message}'], patternDefinitions: { POSTFIX_QUEUEID: '[0-9A-F]{10,11}' } },
      'Jan  1 06:25:43 mailserver14 postfix/cleanup[21403]: BEF25A72965: message-id=<20130101142543.5828399CCAF@mailserver14.example.com>',
    );
    expect(event).toMatchObject({
      timestamp: 'Jan  1 06:25:43',
      host: { hostname: 'mailserver14' },
      process: { name: 'postfix/cleanup', pid: 21403 },
      postfix: { queue_id: 'BEF25A72965' },
      message: 'message-id=<20130101142543.5828399CCAF@mailserver14.example.com>',
    });
  });

  it('grok – parses an Apache combined log line with the library pattern', () => {
    const event = parse(
      { patterns: ['%{COMBINEDAPACHELOG}'] },
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
    expect(event).toMatchObject({
      source: { address: '127.0.0.1' },
      user: { name: 'frank' },
      http: { request: { method: 'GET', referrer: 'http://www.example.com/start.html' }, version: '1.0', response: { status_code: 200, body: { bytes: 2326 } } },
      url: { original: '/apache_pb.gif' },
      user_agent: { original: 'Mozilla/4.08 [en] (Win98; I ;Nav)' },
    });
    expect(event).not.toHaveProperty('apache');
  });

  it('grok – tries the expressions in order and keeps the first that matches', () => {
    const options = { patterns: ['%{INT:first:int} %{WORD:w}', '%{WORD:second} %{WORD:w}', '%{GREEDYDATA:third}'] };
    expect(parse(options, '12 apples')).toMatchObject({ first: 12, w: 'apples' });
    expect(parse(options, 'many apples')).toMatchObject({ second: 'many', w: 'apples' });
    expect(parse(options, '!!')).toMatchObject({ third: '!!' });
  });

  it('grok – leaves out optional parts that did not match, and empty captures', () => {
    const event = parse({ patterns: ['%{WORD:a}(?: %{INT:b:int})?(?<c>x?)$'] }, 'alpha');
    expect(event.a).toBe('alpha');
    expect(event).not.toHaveProperty('b');
    expect(event).not.toHaveProperty('c');
  });

  it('grok – takes the event time from a capture named @timestamp and the message from one named message', () => {
    const event = parse({ patterns: ['%{TIMESTAMP_ISO8601:@timestamp} %{LOGLEVEL:log.level} %{GREEDYDATA:message}'] }, '2026-11-23T10:22:01.5+01:00 WARN disk almost full');
    expect(event).toMatchObject({ '@timestamp': '2026-11-23T09:22:01.500Z', log: { level: 'WARN' }, message: 'disk almost full' });
  });

  it('grok – tags an event whose @timestamp capture cannot be read, instead of silently stamping it with the receive time', () => {
    const event = parse({ patterns: ['%{NOTSPACE:@timestamp} %{GREEDYDATA:message}'] }, '23.11.2026T10:22 disk almost full');
    expect(event['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
    expect(event.tags).toEqual(['_timestamp_from_receipt']);
    expect(parse({ patterns: ['%{GREEDYDATA:message}'] }, 'no time here')).not.toHaveProperty('tags');
  });

  it('grok – puts every capture under the field option', () => {
    expect(parse({ patterns: ['%{WORD:user.name} %{INT:n:int}'], field: 'app.parsed' }, 'bob 7')).toMatchObject({ app: { parsed: { user: { name: 'bob' }, n: 7 } } });
  });

  it('grok – anchors at the start of the line but not at its end', () => {
    const options = { patterns: ['%{INT:n:int}'] };
    expect(parse(options, '42 and more').n).toBe(42);
    expect(errorOf(options, 'x 42')).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH', parser: 'grok' });
  });

  it('grok – keeps non-ASCII text and escaped quotes intact', () => {
    expect(parse({ patterns: ['%{QUOTEDSTRING:q} %{GREEDYDATA:rest}'] }, '"a \\"quoted\\" word" Grüße 日本 🎉')).toMatchObject({ q: '"a \\"quoted\\" word"', rest: 'Grüße 日本 🎉' });
  });

  it('grok – keeps the first value when a capture and a deeper one share a prefix', () => {
    expect(parse({ patterns: ['%{WORD:user} %{WORD:user.name}'] }, 'alice bob').user).toBe('alice');
  });

  it('grok – answers SIEM_PARSE_NO_MATCH for a line no expression matches, such as a truncated one', () => {
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200';
    expect(errorOf({ patterns: ['%{COMBINEDAPACHELOG}'] }, line)).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH', retryable: false });
  });

  it('grok – rejects a typed capture whose text is not a number', () => {
    const error = errorOf({ patterns: ['%{ANY:count:int}'], patternDefinitions: { ANY: '\\S+' } }, 'lots');
    expect(error).toMatchObject({ code: 'SIEM_PARSE_GROK_BAD_VALUE', parser: 'grok', message: expect.stringContaining('count = "lots"') });
  });
});

describe('grok – long and hostile input', () => {
  it('grok – refuses a line over maxInputBytes, counting UTF-8 bytes, before matching', () => {
    const options = { patterns: ['%{GREEDYDATA:m}'], maxInputBytes: 10 };
    expect(parse(options, 'ééééé').m).toBe('ééééé');
    expect(errorOf(options, 'éééééé')).toMatchObject({ code: 'SIEM_PARSE_GROK_INPUT_TOO_LONG', message: expect.stringContaining('maxInputBytes of 10') });
    expect(errorOf({ patterns: ['%{GREEDYDATA:m}'] }, 'a'.repeat(50_000) + '!')?.code).toBe('SIEM_PARSE_GROK_INPUT_TOO_LONG');
  });

  // These would take hours on a plain backtracking engine; the test only has to finish.
  it.each([
    ['a run of letters and a bang', '%{WORD:w}%{WORD:x}$', 'a'.repeat(50_000) + '!'],
    ['a run of letters and a bang, with an alternation', '(?:a|b)+(?:a|c)+$', 'a'.repeat(50_000) + '!'],
    ['four DATA that fail at the end', '%{DATA:a} %{DATA:b} %{DATA:c} %{DATA:d}$', 'a '.repeat(25_000) + '\r'],
    ['six DATA that fail at the end', '%{DATA:a},%{DATA:b},%{DATA:c},%{DATA:d},%{DATA:e},%{DATA:f};', 'a,'.repeat(25_000)],
    ['GREEDYDATA around a missing separator', '%{GREEDYDATA:a} %{GREEDYDATA:b} x$', 'a '.repeat(25_000)],
  ])('grok – finishes on ReDoS bait: %s', (_, expression, line) => {
    expect(errorOf({ patterns: [expression], maxInputBytes: 65_536 }, line)).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH' });
  });
});

describe('grok – start-up checks', () => {
  it.each([
    ['(a+)+$'],
    ['(.*)*x'],
    ['(\\w+\\s?)*$'],
    ['(?:%{WORD} )*$'],
    ['%{NOTSPACE}+'],
    ['(?<x>a+){2,5}'],
    ['(?:a*b?){3}'],
    ['%{INT}(?:,%{DATA})*$'],
    ['(?:-?[a-z-]+)+$'],
  ])('grok – refuses the nested unbounded repetition %s at start', (expression) => {
    expect(setupError({ patterns: [expression] })).toMatchObject({ code: 'SIEM_PARSE_GROK_UNSAFE_PATTERN', message: expect.stringContaining('nested repetition') });
  });

  it('grok – refuses nested repetition hidden in a pattern definition, naming the pattern', () => {
    expect(setupError({ patterns: ['%{EVIL:x}'], patternDefinitions: { EVIL: '(?:[a-z]+,?)+' } })).toMatchObject({
      code: 'SIEM_PARSE_GROK_UNSAFE_PATTERN',
      message: expect.stringContaining('pattern EVIL'),
    });
  });

  it.each([['(?=a)a'], ['(?<!x)a'], ['(a)\\1'], ['(?<w>a)\\k<w>']])('grok – refuses %s, which the linear-time fallback cannot run', (expression) => {
    expect(setupError({ patterns: [expression] })?.code).toBe('SIEM_PARSE_GROK_UNSAFE_PATTERN');
  });

  it('grok – accepts repetition of bounded parts and optional unbounded ones', () => {
    for (const expression of ['(?:a|b)+', '[a-z]+(?:\\.[a-z]+)*', '%{WORD}?', '(?:ab){2,}', '(?:\\d{1,3}\\.){3}\\d{1,3}', '(?:%{WORD})?', '%{INT}(?:,%{INT})*', '(?:/[^/ ]*)+']) {
      expect(() => grok({ patterns: [expression] }), expression).not.toThrow();
    }
  });

  it('grok – names an unknown pattern and the expression that uses it', () => {
    const error = setupError({ patterns: ['%{IP:ip} %{NOPE:x}'] });
    expect(error).toBeInstanceOf(ParserSetupError);
    expect(error).toMatchObject({ code: 'SIEM_PARSE_GROK_UNKNOWN_PATTERN', message: expect.stringMatching(/%\{NOPE\}.*patternDefinitions/) });
    expect(error?.message).toContain('"%{IP:ip} %{NOPE:x}"');
  });

  it('grok – refuses pattern definitions that refer to each other in a loop', () => {
    expect(setupError({ patterns: ['%{A}'], patternDefinitions: { A: 'x%{B}', B: 'y%{A}' } })).toMatchObject({
      code: 'SIEM_PARSE_GROK_UNKNOWN_PATTERN',
      message: expect.stringContaining('A → B → A'),
    });
  });

  it('grok – refuses definitions that multiply into a huge regex', () => {
    const patternDefinitions = { A: '%{B}%{B}%{B}%{B}', B: '%{C}%{C}%{C}%{C}', C: '%{D}%{D}%{D}%{D}', D: '%{E}%{E}%{E}%{E}', E: '%{IPV6}' };
    expect(setupError({ patterns: ['%{A}'], patternDefinitions })?.code).toBe('SIEM_PARSE_GROK_INVALID_REGEX');
  });

  it.each([['(unclosed'], ['a{2,1}'], ['[z-a]'], ['%{WORD']])('grok – refuses the invalid regex %s, naming it', (expression) => {
    expect(setupError({ patterns: [expression] })).toMatchObject({ code: 'SIEM_PARSE_GROK_INVALID_REGEX', message: expect.stringContaining(expression) });
  });

  it.each([
    ['a prototype key as field', { patterns: ['%{WORD:__proto__.x}'] }],
    ['an empty path segment', { patterns: ['%{WORD:a..b}'] }],
    ['an unknown conversion', { patterns: ['%{WORD:a:bool}'] }],
    ['no patterns', { patterns: [] }],
    ['a misspelt option', { patterns: ['%{WORD:a}'], maxInputByte: 10 }],
    ['a pattern name with a dash', { patterns: ['%{WORD:a}'], patternDefinitions: { 'MY-NAME': 'x' } }],
    ['a bad field option', { patterns: ['%{WORD:a}'], field: 'a..b' }],
  ])('grok – refuses %s at start', (_, options) => {
    expect(setupError(options)?.code).toBe('SIEM_PARSE_INVALID_CONFIG');
  });

  it('grok – is registered under "grok" and validated by the registry', () => {
    expect(createParser('grok', { options: { patterns: ['%{WORD:w}'] } }).type).toBe('grok');
    expect(() => createParser('grok')).toThrow(/option "patterns"/);
  });
});
