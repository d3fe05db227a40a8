import type { BusRecord } from '../types';
import { crc32c } from './crc32c';

/**
 * One record on disk, big-endian, self-checking so that a torn or garbage tail
 * is recognised rather than replayed:
 *
 *   0  u8   magic 0xE5
 *   1  u8   format version (1)
 *   2  u32  record length in bytes, this header included
 *   6  u32  CRC-32C of bytes [0, 6) and [10, length): everything but itself
 *  10  u64  logical offset (two u32 halves)
 *  18  u64  append time, ms since the epoch (two u32 halves)
 *  26  i32  key length, -1 when the record has no key
 *      ...  key (UTF-8)
 *      u16  header count, then per header: u16 name length, name, u32 value length, value (UTF-8)
 *      u32  value length, value
 */
export const RECORD_MAGIC = 0xe5;
export const RECORD_VERSION = 1;
export const RECORD_HEADER_BYTES = 30;
const MIN_RECORD_BYTES = RECORD_HEADER_BYTES + 2 + 4;
/** Anything longer is garbage, not a record: no batch the producer writes comes near it. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;
const NO_KEY = -1;
const TWO_POW_32 = 0x1_0000_0000;

export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key?: string;
  readonly headers: Record<string, string>;
  readonly value: Buffer;
}

export type RecordCheck =
  | { readonly kind: 'valid'; readonly length: number }
  /** The bytes end inside the record: a write in progress, or a torn tail. */
  | { readonly kind: 'incomplete'; readonly needed: number }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Encodes a batch into one buffer, so it reaches the file in one write. */
export function encodeBatch(records: readonly BusRecord[], firstOffset: number, timestamp: number): Buffer {
  const keyBytes = new Array<number>(records.length);
  let total = 0;
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    const keyLength = record.key === undefined ? 0 : Buffer.byteLength(record.key);
    keyBytes[r] = keyLength;
    let size = MIN_RECORD_BYTES + keyLength + record.value.length;
    let headerCount = 0;
    if (record.headers) {
      for (const name in record.headers) {
        const nameLength = Buffer.byteLength(name);
        if (nameLength > 0xffff) throw new RangeError(`A header name is ${nameLength} bytes long; at most 65535 fit in a record.`);
        size += 6 + nameLength + Buffer.byteLength(record.headers[name]!);
        headerCount++;
      }
    }
    if (headerCount > 0xffff) throw new RangeError(`A record has ${headerCount} headers; at most 65535 fit.`);
    if (size > MAX_RECORD_BYTES) throw new RangeError(`A record of ${size} bytes is larger than the ${MAX_RECORD_BYTES} bytes a record may hold.`);
    total += size;
  }

  const out = Buffer.allocUnsafe(total);
  const timestampHigh = Math.floor(timestamp / TWO_POW_32);
  const timestampLow = timestamp >>> 0;
  let at = 0;
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    const start = at;
    const offset = firstOffset + r;
    out[at] = RECORD_MAGIC;
    out[at + 1] = RECORD_VERSION;
    out.writeUInt32BE(Math.floor(offset / TWO_POW_32), at + 10);
    out.writeUInt32BE(offset >>> 0, at + 14);
    out.writeUInt32BE(timestampHigh, at + 18);
    out.writeUInt32BE(timestampLow, at + 22);
    at += 26;
    if (record.key === undefined) {
      out.writeInt32BE(NO_KEY, at);
      at += 4;
    } else {
      out.writeInt32BE(keyBytes[r]!, at);
      at += 4;
      at += out.write(record.key, at, 'utf8');
    }
    const countAt = at;
    let headerCount = 0;
    at += 2;
    if (record.headers) {
      for (const name in record.headers) {
        const value = record.headers[name]!;
        const nameLength = out.write(name, at + 2, 'utf8');
        out.writeUInt16BE(nameLength, at);
        at += 2 + nameLength;
        const valueLength = out.write(value, at + 4, 'utf8');
        out.writeUInt32BE(valueLength, at);
        at += 4 + valueLength;
        headerCount++;
      }
    }
    out.writeUInt16BE(headerCount, countAt);
    out.writeUInt32BE(record.value.length, at);
    at += 4;
    at += record.value.copy(out, at);
    const length = at - start;
    out.writeUInt32BE(length, start + 2);
    out.writeUInt32BE(recordChecksum(out, start, length), start + 6);
  }
  return out;
}

function recordChecksum(bytes: Uint8Array, start: number, length: number): number {
  return crc32c(bytes, start + 10, start + length, crc32c(bytes, start, start + 6));
}

/**
 * Checks the record starting at `at`, with `end` the end of the bytes known.
 * A valid record has the right magic, a plausible length, a matching checksum
 * and the offset the reader expects next.
 */
export function checkRecord(bytes: Buffer, at: number, end: number, expectedOffset: number): RecordCheck {
  if (end - at < RECORD_HEADER_BYTES) return { kind: 'incomplete', needed: RECORD_HEADER_BYTES };
  if (bytes[at] !== RECORD_MAGIC) return { kind: 'corrupt', reason: `bad magic byte ${bytes[at]}` };
  if (bytes[at + 1] !== RECORD_VERSION) return { kind: 'corrupt', reason: `unknown format version ${bytes[at + 1]}` };
  const length = bytes.readUInt32BE(at + 2);
  if (length < MIN_RECORD_BYTES || length > MAX_RECORD_BYTES) return { kind: 'corrupt', reason: `implausible record length ${length}` };
  if (end - at < length) return { kind: 'incomplete', needed: length };
  if (bytes.readUInt32BE(at + 6) !== recordChecksum(bytes, at, length)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  const offset = readOffset(bytes, at);
  if (offset !== expectedOffset) return { kind: 'corrupt', reason: `offset ${offset} where ${expectedOffset} was expected` };
  return { kind: 'valid', length };
}

export function readOffset(bytes: Buffer, at: number): number {
  return bytes.readUInt32BE(at + 10) * TWO_POW_32 + bytes.readUInt32BE(at + 14);
}

/**
 * Decodes a record that `checkRecord` found valid. Returns undefined when its
 * fields do not add up to its length (a writer bug, since the checksum held).
 * The value is a view into `bytes`, not a copy.
 */
export function decodeRecord(bytes: Buffer, at: number, length: number): DecodedRecord | undefined {
  const end = at + length;
  const offset = readOffset(bytes, at);
  const timestamp = bytes.readUInt32BE(at + 18) * TWO_POW_32 + bytes.readUInt32BE(at + 22);
  const keyLength = bytes.readInt32BE(at + 26);
  let p = at + RECORD_HEADER_BYTES;
  let key: string | undefined;
  if (keyLength !== NO_KEY) {
    if (keyLength < 0 || p + keyLength > end) return undefined;
    key = bytes.toString('utf8', p, p + keyLength);
    p += keyLength;
  }
  if (p + 2 > end) return undefined;
  const headerCount = bytes.readUInt16BE(p);
  p += 2;
  const headers: Record<string, string> = {};
  for (let h = 0; h < headerCount; h++) {
    if (p + 2 > end) return undefined;
    const nameLength = bytes.readUInt16BE(p);
    p += 2;
    if (p + nameLength + 4 > end) return undefined;
    const name = bytes.toString('utf8', p, p + nameLength);
    p += nameLength;
    const valueLength = bytes.readUInt32BE(p);
    p += 4;
    if (p + valueLength > end) return undefined;
    const value = bytes.toString('utf8', p, p + valueLength);
    // A header literally named __proto__ must stay data, not become the prototype.
    if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    else headers[name] = value;
    p += valueLength;
  }
  if (p + 4 > end) return undefined;
  const valueLength = bytes.readUInt32BE(p);
  p += 4;
  if (p + valueLength !== end) return undefined;
  return { offset, timestamp, key, headers, value: bytes.subarray(p, end) };
}
