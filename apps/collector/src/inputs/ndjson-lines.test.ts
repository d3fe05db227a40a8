import { describe, expect, it } from 'vitest';
import { notAJsonObject, splitLines } from './ndjson-lines';

describe('splitLines', () => {
  it('keeps every non-blank line with its 1-based number, drops CR, and leaves the bytes as they were sent', () => {
    const body = Buffer.concat([Buffer.from('{"a":1}\r\n\n  \n'), Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from('\n{"b":2}')]);
    expect(splitLines(body).map((line) => [line.number, line.bytes.toString('latin1')])).toEqual([
      [1, '{"a":1}'],
      [4, '{\xff}'],
      [5, '{"b":2}'],
    ]);
  });
});

describe('notAJsonObject', () => {
  it('accepts an object and says why anything else is not one', () => {
    expect(notAJsonObject('{"a":[1]}')).toBeUndefined();
    expect(notAJsonObject('{"a":')?.code).toBe('SIEM_PARSE_INVALID_JSON');
    expect(notAJsonObject('[1]')).toEqual({ code: 'SIEM_PARSE_NOT_AN_OBJECT', message: 'A JSON array, not an object.' });
    expect(notAJsonObject('null')?.code).toBe('SIEM_PARSE_NOT_AN_OBJECT');
  });
});
