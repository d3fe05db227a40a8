import { describe, expect, it } from 'vitest';
import { checkRecord, decodeRecord, encodeBatch } from './record-format';

const invalidUtf8 = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80]);

function decodeAll(bytes: Buffer, firstOffset: number) {
  const records = [];
  let at = 0;
  let offset = firstOffset;
  while (at < bytes.length) {
    const check = checkRecord(bytes, at, bytes.length, offset);
    if (check.kind !== 'valid') throw new Error(`record at ${at}: ${JSON.stringify(check)}`);
    records.push(decodeRecord(bytes, at, check.length));
    at += check.length;
    offset++;
  }
  return records;
}

describe('record format', () => {
  it('round-trips keys, headers and binary values with consecutive offsets', () => {
    const bytes = encodeBatch(
      [
        { key: '10.0.0.1', value: invalidUtf8, headers: { 'siem.input': 'syslog_udp', 'ünïcode': 'välue' } },
        { value: Buffer.alloc(0) },
        { key: '', value: Buffer.from('x'), headers: JSON.parse('{"__proto__":"kept as data"}') as Record<string, string> },
      ],
      41,
      1_780_000_000_123,
    );
    const [first, second, third] = decodeAll(bytes, 41);
    expect(first).toEqual({ offset: 41, timestamp: 1_780_000_000_123, key: '10.0.0.1', headers: { 'siem.input': 'syslog_udp', 'ünïcode': 'välue' }, value: invalidUtf8 });
    expect(second).toEqual({ offset: 42, timestamp: 1_780_000_000_123, key: undefined, headers: {}, value: Buffer.alloc(0) });
    expect(third!.key).toBe('');
    expect(Object.getPrototypeOf(third!.headers)).toBe(Object.prototype);
    expect(Object.entries(third!.headers)).toEqual([['__proto__', 'kept as data']]);
  });

  it('keeps offsets above 2^32 exact', () => {
    const [record] = decodeAll(encodeBatch([{ value: Buffer.from('v') }], 2 ** 40 + 5, 0), 2 ** 40 + 5);
    expect(record!.offset).toBe(2 ** 40 + 5);
  });

  it('reports a flipped bit as corrupt, a cut record as incomplete, and an unexpected offset as corrupt', () => {
    const bytes = encodeBatch([{ key: 'k', value: Buffer.from('hello world') }], 0, 0);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0x10;
    expect(checkRecord(flipped, 0, flipped.length, 0)).toEqual({ kind: 'corrupt', reason: 'checksum mismatch' });
    expect(checkRecord(bytes, 0, bytes.length - 1, 0)).toEqual({ kind: 'incomplete', needed: bytes.length });
    expect(checkRecord(bytes, 0, 10, 0)).toMatchObject({ kind: 'incomplete' });
    expect(checkRecord(bytes, 0, bytes.length, 1)).toMatchObject({ kind: 'corrupt' });
    expect(checkRecord(Buffer.alloc(64), 0, 64, 0)).toMatchObject({ kind: 'corrupt' });
  });

  it('refuses a header name longer than its 16-bit length field', () => {
    expect(() => encodeBatch([{ value: Buffer.alloc(1), headers: { ['n'.repeat(70_000)]: 'v' } }], 0, 0)).toThrow(RangeError);
  });
});
