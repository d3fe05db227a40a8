import { describe, expect, it } from 'vitest';
import { splitLines } from './http-ingest';

describe('splitLines', () => {
  it('keeps every non-blank line, drops CR, and leaves the bytes as they were sent', () => {
    const body = Buffer.concat([Buffer.from('{"a":1}\r\n\n  \n'), Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from('\n{"b":2}')]);
    expect(splitLines(body).map((line) => line.toString('latin1'))).toEqual(['{"a":1}', '{\xff}', '{"b":2}']);
  });
});
