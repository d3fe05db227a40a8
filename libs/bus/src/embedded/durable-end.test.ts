import { describe, expect, it } from 'vitest';
import { decodeDurableEnd, encodeDurableEnd } from './durable-end';

describe('durable end', () => {
  it('round-trips the segment, byte position and next offset, beyond 2^32 too', () => {
    const end = { segmentBase: 2 ** 33 + 1, bytePosition: 67_108_000, nextOffset: 2 ** 33 + 91_000 };
    expect(decodeDurableEnd(encodeDurableEnd(end))).toEqual(end);
  });

  it('reads a torn or empty mark as no mark', () => {
    const bytes = encodeDurableEnd({ segmentBase: 0, bytePosition: 10, nextOffset: 1 });
    bytes[15]! ^= 1;
    expect(decodeDurableEnd(bytes)).toBeUndefined();
    expect(decodeDurableEnd(Buffer.alloc(0))).toBeUndefined();
  });
});
