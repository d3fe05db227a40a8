import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createJsonParser, MAX_JSON_DEPTH } from './json';
import { createParser } from './registry';
import type { ParserConfig } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const INGESTED = '2026-11-23T12:00:00.000Z';
const RECEIVED = '2026-11-23T11:59:59.000Z';

/** `sourceAddress: null` builds a record without a sender address. */
function record(line: string, sourceAddress: string | null = '192.0.2.10'): RawRecord {
  const base = { payload: Buffer.from(line), receivedAt: RECEIVED, input: 'http_ndjson' };
  return sourceAddress === null ? base : { ...base, sourceAddress };
}

function parseWith(config: Partial<ParserConfig>, line: string, sourceAddress?: string | null) {
  const result = createJsonParser({ now: () => NOW, ...config }).parse(record(line, sourceAddress));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

const parse = (line: string) => parseWith({}, line);
/** Custom keys stay at the top level, so the tests of key handling can look at them directly. */
const parseFlat = (line: string) => parseWith({ options: { namespace: '' } }, line);

// Large enough for the 200 kB nesting attacks below.
const roomyParser = createJsonParser({ maxMessageBytes: 1024 * 1024 });

function errorCode(line: string): string | undefined {
  const result = roomyParser.parse(record(line));
  return result.ok ? undefined : result.error.code;
}

function nested(depth: number): string {
  return '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
}

describe('json – ECS fields', () => {
  it('json – keeps ECS fields as they are and sets event.ingested, dataset and original', () => {
    const line = JSON.stringify({
      '@timestamp': '2026-11-23T11:22:01.123Z',
      message: 'GET /index.html 200',
      host: { name: 'web-1' },
      user: { name: 'alice' },
      http: { response: { status_code: 200 } },
      tags: ['a', 'b'],
      event: { kind: 'event', category: ['web'], dataset: 'nginx.access', ingested: 'spoofed', original: 'spoofed' },
    });
    expect(parse(line)).toEqual({
      '@timestamp': '2026-11-23T11:22:01.123Z',
      message: 'GET /index.html 200',
      host: { name: 'web-1' },
      user: { name: 'alice' },
      http: { response: { status_code: 200 } },
      tags: ['a', 'b'],
      event: { kind: 'event', category: ['web'], dataset: 'json', ingested: INGESTED, original: line },
      log: { source: { address: '192.0.2.10' } },
    });
  });

  it('json – reads @timestamp given as epoch milliseconds', () => {
    expect(parse('{"@timestamp": 1700000000123}')['@timestamp']).toBe('2023-11-14T22:13:20.123Z');
  });

  it('json – normalizes @timestamp with an offset, nanoseconds or a space to UTC with milliseconds', () => {
    expect(parse('{"@timestamp": "2026-11-23T12:22:01.123456789+01:00"}')['@timestamp']).toBe('2026-11-23T11:22:01.123Z');
    expect(parse('{"@timestamp": "2026-11-23 11:22:01Z"}')['@timestamp']).toBe('2026-11-23T11:22:01.000Z');
  });

  it('json – reads a zone-less @timestamp in the configured timezone', () => {
    expect(parseWith({ timezone: 'Europe/Berlin' }, '{"@timestamp": "2026-11-23T12:00:00"}')['@timestamp']).toBe('2026-11-23T11:00:00.000Z');
  });

  it.each([
    ['a free-form string', '"yesterday"'],
    ['a number out of the Date range', '1e20'],
    ['a boolean', 'true'],
    ['an object', '{}'],
  ])('json – uses the receive time when @timestamp is %s', (_, value) => {
    expect(parse(`{"@timestamp": ${value}, "message": "x"}`)['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
  });

  it('json – uses the receive time when @timestamp is absent', () => {
    expect(parse('{"message": "x"}')['@timestamp']).toBe('2026-11-23T11:59:59.000Z');
  });

  it('json – turns a non-string message into JSON text and drops a null message', () => {
    expect(parse('{"message": 42}').message).toBe('42');
    expect(parse('{"message": {"a": 1}}').message).toBe('{"a":1}');
    expect(parse('{"message": null}')).not.toHaveProperty('message');
  });

  it('json – replaces an event field that is not an object', () => {
    expect(parse('{"event": "login"}').event).toEqual({ original: '{"event": "login"}', ingested: INGESTED, dataset: 'json' });
  });

  it('json – omits event.original, even a given one, when keepOriginal is false', () => {
    expect(parseWith({ keepOriginal: false }, '{"event": {"original": "raw"}}').event).toEqual({ ingested: INGESTED, dataset: 'json' });
  });

  it('json – leaves host as the line has it: the sender address goes to log.source.address only', () => {
    const event = parse('{"message": "x"}');
    expect(event).not.toHaveProperty('host');
    expect(event.log).toEqual({ source: { address: '192.0.2.10' } });
    expect(parse('{"host": {"ip": "10.0.0.1"}}').host).toEqual({ ip: '10.0.0.1' });
    expect(parse('{"host": {"name": "web-1"}}').host).toEqual({ name: 'web-1' });
  });

  it('json – sets log.source.address beside the log fields of the line and leaves source.ip alone', () => {
    const event = parse('{"log": {"level": "warn", "source": {"x": 1}}, "source": {"ip": "203.0.113.5"}}');
    expect(event.log).toEqual({ level: 'warn', source: { x: 1, address: '192.0.2.10' } });
    expect(event.source).toEqual({ ip: '203.0.113.5' });
  });

  it('json – sets neither host nor log when the sender address is unknown', () => {
    const result = createJsonParser({ now: () => NOW }).parse(record('{"message": "x"}', null));
    expect(result.ok && result.event).toEqual({
      '@timestamp': '2026-11-23T11:59:59.000Z',
      message: 'x',
      event: { original: '{"message": "x"}', ingested: INGESTED, dataset: 'json' },
    });
  });

  it('json – accepts leading and trailing whitespace around the object', () => {
    expect(parse('  {"message": "x"}  \r\n').message).toBe('x');
  });
});

describe('json – dotted keys', () => {
  it('json – expands dotted keys into nested objects and merges them with nested ones', () => {
    const event = parse('{"host.name": "web-1", "host": {"ip": "10.0.0.1"}, "source.geo.country_iso_code": "DE", "source.geo": {"city_name": "Berlin"}}');
    expect(event.host).toEqual({ name: 'web-1', ip: '10.0.0.1' });
    expect(event.source).toEqual({ geo: { country_iso_code: 'DE', city_name: 'Berlin' } });
  });

  it('json – expands dotted keys inside nested objects and arrays', () => {
    const event = parseFlat('{"a": {"b.c": 1}, "list": [{"d.e": 2}]}');
    expect(event.a).toEqual({ b: { c: 1 } });
    expect(event.list).toEqual([{ d: { e: 2 } }]);
  });

  it('json – keeps a dotted key literally when a plain value already holds its prefix', () => {
    expect(parseFlat('{"user": "alice", "user.name": "bob"}')).toMatchObject({ user: 'alice', 'user.name': 'bob' });
  });

  it('json – keeps keys with empty segments literally', () => {
    expect(parseFlat('{"a..b": 1, ".c": 2, "d.": 3}')).toMatchObject({ 'a..b': 1, '.c': 2, 'd.': 3 });
  });

  it('json – merges event fields given as dotted keys', () => {
    expect(parse('{"event.kind": "alert", "event.dataset": "theirs"}').event).toMatchObject({ kind: 'alert', dataset: 'json' });
  });
});

describe('json – hostile input', () => {
  it('json – drops prototype-polluting keys at every level and in dotted paths', () => {
    const line =
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "prototype": 1,' +
      ' "a": {"__proto__": {"polluted": true}, "ok": 1}, "b.__proto__.polluted": true, "c.constructor": 1, "d": [{"__proto__": {"polluted": true}}]}';
    const event = parseFlat(line);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    for (const key of ['__proto__', 'constructor', 'prototype', 'b', 'c']) expect(Object.hasOwn(event, key)).toBe(false);
    expect(event.a).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(event.a)).toBe(Object.prototype);
    expect(event.d).toEqual([{}]);
    expect((event.a as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('json – does not mistake inherited names for existing objects when expanding dotted keys', () => {
    expect(parseFlat('{"toString.x": 1, "hasOwnProperty": {"y": 2}}')).toMatchObject({ toString: { x: 1 }, hasOwnProperty: { y: 2 } });
  });

  it(`json – accepts nesting of exactly ${MAX_JSON_DEPTH} levels`, () => {
    expect(createJsonParser().parse(record(nested(MAX_JSON_DEPTH))).ok).toBe(true);
  });

  it(`json – rejects nesting of ${MAX_JSON_DEPTH + 1} levels as too deep`, () => {
    expect(errorCode(nested(MAX_JSON_DEPTH + 1))).toBe('SIEM_PARSE_TOO_DEEP');
  });

  it('json – rejects 100k nested arrays inside an object as too deep, without throwing', () => {
    expect(errorCode('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}')).toBe('SIEM_PARSE_TOO_DEEP');
  });

  it('json – rejects 100k unclosed brackets as invalid JSON, without throwing', () => {
    expect(errorCode('['.repeat(100_000))).toBe('SIEM_PARSE_INVALID_JSON');
    expect(errorCode('{"a":' + '['.repeat(100_000))).toBe('SIEM_PARSE_INVALID_JSON');
  });

  it('json – rejects a dotted key that expands deeper than the limit', () => {
    expect(errorCode(`{"${Array.from({ length: 40 }, (_, index) => `k${index}`).join('.')}": 1}`)).toBe('SIEM_PARSE_TOO_DEEP');
  });

  it.each([
    ['an array', '[1, 2]'],
    ['100k nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['a string', '"text"'],
    ['a number', '42'],
    ['null', 'null'],
    ['a boolean', 'true'],
  ])('json – rejects %s as not an object', (_, line) => {
    expect(errorCode(line)).toBe('SIEM_PARSE_NOT_AN_OBJECT');
  });

  it.each([
    ['a cut object', '{"a":'],
    ['single quotes', "{'a': 1}"],
    ['a trailing comma', '{"a": 1,}'],
    ['two objects on one line', '{"a": 1}{"b": 2}'],
    ['plain text', 'hello'],
  ])('json – rejects %s as invalid JSON', (_, line) => {
    const result = createJsonParser().parse(record(line));
    expect(result.ok ? undefined : result.error).toMatchObject({
      code: 'SIEM_PARSE_INVALID_JSON',
      parser: 'json',
      retryable: false,
      message: expect.stringContaining('not valid JSON'),
    });
  });
});

describe('json – custom field namespace', () => {
  it('json – moves top-level keys that are not ECS fields under "json" by default', () => {
    const event = parse('{"message": "paid", "user": {"name": "alice"}, "order_id": 42, "status": {"code": "ok"}, "labels": {"team": "shop"}}');
    expect(event).toMatchObject({ message: 'paid', user: { name: 'alice' }, labels: { team: 'shop' }, json: { order_id: 42, status: { code: 'ok' } } });
    expect(event).not.toHaveProperty('order_id');
    expect(event).not.toHaveProperty('status');
  });

  it('json – leaves a line of ECS fields only without a namespace object', () => {
    expect(parse('{"message": "x", "host": {"name": "a"}, "user": {"name": "b"}, "source.ip": "10.0.0.1"}')).not.toHaveProperty('json');
  });

  it('json – puts custom keys under a dotted namespace, and keeps them in place with ""', () => {
    expect(parseWith({ options: { namespace: 'app.fields' } }, '{"order_id": 42}')).toMatchObject({ app: { fields: { order_id: 42 } } });
    expect(parseWith({ options: { namespace: '' } }, '{"order_id": 42}')).toMatchObject({ order_id: 42 });
  });

  it('json – merges a namespace object the line already has instead of nesting it twice', () => {
    expect(parse('{"json": {"a": 1, "c": {"d": 1}}, "b": 2, "c": {"e": 2}}').json).toEqual({ a: 1, b: 2, c: { d: 1, e: 2 } });
  });

  it('json – moves dotted custom keys as the objects they expand to, with non-ASCII keys and values intact', () => {
    expect(parse('{"app.build": "7", "größe": "groß", "日本": "語"}').json).toEqual({ app: { build: '7' }, größe: 'groß', 日本: '語' });
  });

  it('json – keeps a 1 MiB custom value', () => {
    const big = 'x'.repeat(1024 * 1024);
    const event = parseWith({ maxMessageBytes: 2 * 1024 * 1024 }, JSON.stringify({ message: 'm', blob: big }));
    expect((event.json as { blob: string }).blob.length).toBe(big.length);
  });

  it.each([
    ['an ECS field set', { namespace: 'host' }, /inside the ECS field set "host"/],
    ['an ECS field set with a sub-path', { namespace: 'event.custom' }, /ECS field set "event"/],
    ['upper case and dashes', { namespace: 'My-Fields' }, /option "namespace"/],
    ['a misspelt option', { namepsace: 'x' }, /namespace/],
  ])('json – refuses at start a namespace option with %s', (_, options, message) => {
    expect(() => createJsonParser({ options })).toThrow(message);
  });
});

describe('json – Windows and CloudTrail objects', () => {
  it('json – hands a Windows event to the windows mapping, without moving winlog under the namespace', () => {
    const event = parse('{"winlog": {"event_id": 4625, "channel": "Security", "provider_name": "Microsoft-Windows-Security-Auditing", "event_data": {"TargetUserName": "bob"}}}');
    expect(event).toMatchObject({ event: { dataset: 'windows', code: '4625', action: 'logon-failed' }, user: { name: 'bob' }, winlog: { event_id: '4625' } });
    expect(event).not.toHaveProperty('json');
  });

  it('json – hands a CloudTrail record to the cloudtrail mapping', () => {
    const event = parse('{"eventVersion": "1.08", "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "eu-west-1"}');
    expect(event).toMatchObject({ event: { dataset: 'cloudtrail', action: 'GetObject' }, cloud: { provider: 'aws', region: 'eu-west-1' } });
  });

  it('json – rejects a whole CloudTrail file with the code that says to split it', () => {
    expect(errorCode('{"Records": [{"eventVersion": "1.08", "eventSource": "s3.amazonaws.com", "eventName": "GetObject"}]}')).toBe('SIEM_PARSE_CLOUDTRAIL_RECORDS');
  });

  it('json – keeps an object with a Records key of another shape as ordinary JSON', () => {
    expect(parse('{"Records": [1, 2]}').json).toEqual({ Records: [1, 2] });
  });
});

describe('json: a string `log` field (Fluent Bit, Docker json-file)', () => {
  const parser = createJsonParser();
  const parse = (line: string) => parser.parse({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', input: 'http_bulk', sourceAddress: '10.0.0.5' });

  it('becomes the message, and the sender still goes to log.source.address', () => {
    expect(parse('{"log":"GET / 200\\n","stream":"stdout"}')).toMatchObject({ ok: true, event: { message: 'GET / 200', log: { source: { address: '10.0.0.5' } } } });
  });

  it('does not replace a message the line has', () => {
    const result = parse('{"log":"raw text","message":"the message"}');
    expect(result).toMatchObject({ ok: true, event: { message: 'the message', event: { original: '{"log":"raw text","message":"the message"}' } } });
  });
});

describe('json: fields that clash with ECS types, and common time fields', () => {
  const parser = createParser('json', { now: () => new Date('2026-12-04T12:00:00.000Z') });
  const parseLine = (line: string) => {
    const result = parser.parse({ payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'http' });
    if (!result.ok) throw new Error(result.error.message);
    return result.event as Record<string, any>;
  };

  it('json – a plain value where ECS has an object ("user": "alice", "url": "...") goes under the namespace', () => {
    const event = parseLine('{"user":"alice","url":"https://www.example.com/a","event":"login","host":"web-1","source":"198.51.100.7","message":"hi"}');
    expect(event.json).toEqual({ user: 'alice', url: 'https://www.example.com/a', event: 'login', host: 'web-1', source: '198.51.100.7' });
    expect(event.user).toBeUndefined();
    expect(event.url).toBeUndefined();
    expect(event.event.dataset).toBe('json');
    expect(event.message).toBe('hi');
  });

  it('json – ECS objects stay where they are', () => {
    const event = parseLine('{"user":{"name":"alice"},"url":{"original":"https://www.example.com/"}}');
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.url).toEqual({ original: 'https://www.example.com/' });
  });

  it('json – @timestamp from time, timestamp, ts or date when the line has none', () => {
    expect(parseLine('{"time":"2026-12-04T10:00:00Z","msg":"a"}')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(parseLine('{"timestamp":"2026-12-04 10:00:01"}')['@timestamp']).toBe('2026-12-04T10:00:01.000Z');
    expect(parseLine('{"ts":1796378402.5}')['@timestamp']).toBe('2026-12-04T10:00:02.500Z');
    expect(parseLine('{"date":1796378403000}')['@timestamp']).toBe('2026-12-04T10:00:03.000Z');
    const kept = parseLine('{"@timestamp":"2026-12-04T09:00:00Z","time":"2026-12-04T10:00:00Z"}');
    expect(kept['@timestamp']).toBe('2026-12-04T09:00:00.000Z');
    expect(kept.json.time).toBe('2026-12-04T10:00:00Z');
  });

  it('json – a common time field that is no time leaves the receive time', () => {
    expect(parseLine('{"date":"tomorrow","ts":"n/a"}')['@timestamp']).toBe('2026-12-04T12:00:00.000Z');
  });
});
