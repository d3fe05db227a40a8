import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParserContext, decodePayload, receiptMillis } from './context';
import type { ParseError } from './errors';

const context = createParserContext({ maxMessageBytes: 16 });

function decode(payload: unknown): string | ParseError {
  return decodePayload({ payload, receivedAt: '2026-11-23T12:00:00.000Z', input: 'test' } as RawRecord, context, 'test_parser');
}

function code(payload: unknown): string | undefined {
  const result = decode(payload);
  return typeof result === 'string' ? undefined : result.code;
}

describe('decodePayload – checks every parser makes first', () => {
  it('decodePayload – rejects an empty payload', () => {
    expect(code(Buffer.alloc(0))).toBe('SIEM_PARSE_EMPTY');
  });

  it('decodePayload – rejects a missing payload instead of throwing', () => {
    expect(code(undefined)).toBe('SIEM_PARSE_EMPTY');
    expect(code(null)).toBe('SIEM_PARSE_EMPTY');
    expect(code('a string')).toBe('SIEM_PARSE_EMPTY');
  });

  it('decodePayload – rejects a whitespace-only payload, newline included', () => {
    expect(code(Buffer.from(' \t \r\n'))).toBe('SIEM_PARSE_EMPTY');
    expect(code(Buffer.from('\n'))).toBe('SIEM_PARSE_EMPTY');
  });

  it('decodePayload – rejects a payload longer than maxMessageBytes and accepts one of exactly that size', () => {
    expect(code(Buffer.alloc(17, 0x61))).toBe('SIEM_PARSE_TOO_LARGE');
    expect(decode(Buffer.alloc(16, 0x61))).toBe('a'.repeat(16));
  });

  it('decodePayload – rejects a 1 MiB payload by its size, returning the error', () => {
    const result = decodePayload(
      { payload: Buffer.alloc(1024 * 1024, 0xff), receivedAt: '', input: 'test' },
      createParserContext(),
      'test_parser',
    );
    expect(result).toMatchObject({ code: 'SIEM_PARSE_TOO_LARGE', parser: 'test_parser', retryable: false });
  });

  it.each([
    ['0xff 0xfe', [0xff, 0xfe, 0x41]],
    ['an overlong "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut at the end', [0x41, 0xe2, 0x82]],
    ['a lone continuation byte', [0x41, 0x80, 0x42]],
  ])('decodePayload – rejects invalid UTF-8: %s', (_, bytes) => {
    expect(code(Buffer.from(bytes))).toBe('SIEM_PARSE_INVALID_UTF8');
  });

  it('decodePayload – recovers after invalid UTF-8: the next payload decodes normally', () => {
    expect(code(Buffer.from([0x41, 0xe2]))).toBe('SIEM_PARSE_INVALID_UTF8');
    expect(decode(Buffer.from('€ ok'))).toBe('€ ok');
  });

  it('decodePayload – strips exactly one trailing newline or CRLF', () => {
    expect(decode(Buffer.from('abc\n'))).toBe('abc');
    expect(decode(Buffer.from('abc\r\n'))).toBe('abc');
    expect(decode(Buffer.from('abc\n\n'))).toBe('abc\n');
    expect(decode(Buffer.from('abc\r'))).toBe('abc\r');
  });

  it('decodePayload – drops a leading UTF-8 byte order mark', () => {
    expect(decode(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('A');
  });

  it('decodePayload – accepts a Uint8Array as well as a Buffer', () => {
    expect(decode(new TextEncoder().encode('hi'))).toBe('hi');
  });

  it('decodePayload – error messages are sentences that say what to do', () => {
    for (const payload of [Buffer.alloc(0), Buffer.from('  '), Buffer.alloc(17, 0x61), Buffer.from([0xff])]) {
      const result = decode(payload);
      expect(typeof result === 'string' ? '' : result.message).toMatch(/^The .+[;,] .+\.$/);
    }
  });
});

describe('ParserContext – event.ingested', () => {
  it('ParserContext – formats the injected clock as ISO 8601 UTC with milliseconds', () => {
    let now = new Date('2026-11-23T12:00:00.000Z');
    const clocked = createParserContext({ now: () => now });
    expect(clocked.ingestedTimestamp()).toBe('2026-11-23T12:00:00.000Z');
    now = new Date('2026-11-23T12:00:00.001Z');
    expect(clocked.ingestedTimestamp()).toBe('2026-11-23T12:00:00.001Z');
  });
});

describe('ParserContext – receive time', () => {
  it('ParserContext – follows each record’s receive stamp and falls back to the clock when it is unusable', () => {
    const clocked = createParserContext({ now: () => new Date('2026-11-23T12:00:00.000Z') });
    const at = (receivedAt: string) => clocked.receiptTimestamp({ payload: Buffer.from('x'), receivedAt, input: 'test' });
    expect(at('2026-11-23T10:00:00+01:00')).toBe('2026-11-23T09:00:00.000Z');
    expect(at('2026-11-23T10:00:00+01:00')).toBe('2026-11-23T09:00:00.000Z');
    expect(at('2026-11-23T10:00:01Z')).toBe('2026-11-23T10:00:01.000Z');
    expect(at('not a time')).toBe('2026-11-23T12:00:00.000Z');
    expect(at('2026-11-23T10:00:01Z')).toBe('2026-11-23T10:00:01.000Z');
  });

  it('ParserContext – receiptMillis follows each record’s stamp and asks the clock for every unusable one', () => {
    let clock = Date.parse('2026-11-23T12:00:00.000Z');
    const clocked = createParserContext({ now: () => new Date(clock) });
    const millis = (receivedAt: string) => receiptMillis({ payload: Buffer.from('x'), receivedAt, input: 'test' }, clocked);
    expect(millis('2026-11-23T10:00:00+01:00')).toBe(Date.parse('2026-11-23T09:00:00.000Z'));
    expect(millis('2026-11-23T10:00:00+01:00')).toBe(Date.parse('2026-11-23T09:00:00.000Z'));
    expect(millis('2026-11-23T10:00:01Z')).toBe(Date.parse('2026-11-23T10:00:01.000Z'));
    expect(millis('not a time')).toBe(clock);
    clock += 5000;
    expect(millis('not a time')).toBe(clock);
    expect(millis('2026-11-23T10:00:00+01:00')).toBe(Date.parse('2026-11-23T09:00:00.000Z'));
  });
});
