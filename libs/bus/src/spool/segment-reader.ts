import type { FileHandle } from 'node:fs/promises';
import { checkRecord, decodeRecord, type DecodedRecord } from '../embedded/record-format';

const CHUNK_BYTES = 1024 * 1024;

export interface SegmentRead {
  readonly records: DecodedRecord[];
  /** Byte position after the last record returned. */
  readonly position: number;
  /** Offset the next record must carry. */
  readonly nextOffset: number;
  /** Set when reading stopped before `end` at a torn or corrupt record, which starts at `position`. */
  readonly damage?: string;
}

/**
 * Reads whole, checksummed records from `position` up to `end` (or `maxRecords`,
 * or once `maxBytes` of records are read; always at least one record).
 * Each read allocates its own buffers, so the returned values may be kept.
 */
export async function readSegment(handle: FileHandle, position: number, end: number, expectedOffset: number, maxRecords: number, maxBytes = Infinity): Promise<SegmentRead> {
  const records: DecodedRecord[] = [];
  let at = position;
  let nextOffset = expectedOffset;
  let needed = 0;
  while (at < end && records.length < maxRecords) {
    const want = Math.min(Math.max(CHUNK_BYTES, needed), end - at);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, at);
    let cursor = 0;
    while (records.length < maxRecords) {
      const check = checkRecord(buffer, cursor, bytesRead, nextOffset);
      if (check.kind === 'corrupt') return { records, position: at + cursor, nextOffset, damage: check.reason };
      if (check.kind === 'incomplete') {
        if (at + cursor + check.needed > end) return { records, position: at + cursor, nextOffset, damage: `a torn record (${end - at - cursor} bytes where at least ${check.needed} are needed)` };
        needed = check.needed;
        break;
      }
      const record = decodeRecord(buffer, cursor, check.length);
      if (!record) return { records, position: at + cursor, nextOffset, damage: 'a record whose fields do not add up to its length' };
      records.push(record);
      cursor += check.length;
      nextOffset++;
      if (at + cursor - position >= maxBytes) return { records, position: at + cursor, nextOffset };
      if (at + cursor >= end) break;
    }
    at += cursor;
  }
  return { records, position: at, nextOffset };
}
