import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ConsumedMessage } from '../types';
import { DurableEndFile, type DurableEnd } from './durable-end';
import type { BusLogger } from './logger';
import { durableEndPath, listSegments, segmentFileName, segmentPath } from './layout';
import { checkRecord, decodeRecord, RECORD_HEADER_BYTES, readOffset, RECORD_MAGIC, type RecordCheck } from './record-format';
import { readIncarnationIn } from './topics';

/** Where a partition is read from: the logical offset, and the segment and byte where that record starts. */
export interface LogPosition {
  readonly offset: number;
  readonly segmentBase: number;
  readonly bytePosition: number;
}

export interface ReadResult {
  readonly messages: ConsumedMessage[];
  /** The position just after the last message; commit it once they are processed. */
  readonly next: LogPosition;
}

export interface PartitionReaderOptions {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  /** Bytes fetched per read; one read usually covers many chunks. */
  readonly readBytes: number;
  readonly logger: BusLogger;
  /** How long bytes may sit past the durable end, unchanged, before the reader has the tail recovered. */
  readonly tailRecoveryAfterMs: number;
  /** Recovers the tail and publishes the durable end (under the partition lock), for a writer that died before publishing. */
  readonly recoverTail?: () => Promise<void>;
}

const NOTHING_BUFFERED: RecordCheck = { kind: 'incomplete', needed: RECORD_HEADER_BYTES };

/**
 * Reads one partition from a position, in large buffered reads, never past
 * the durable end the writers publish after each fsync (see durable-end.ts):
 * a record is delivered only once it is whole, checksummed, has the offset
 * expected next, and is durable. Everything before the durable end is final,
 * so bytes there that do not check out are corruption, logged as an error.
 */
export class PartitionReader {
  readonly partition: number;
  private position: LogPosition = { offset: 0, segmentBase: 0, bytePosition: 0 };
  /** Records before this offset are read past but not delivered (after a seek into the middle of a segment). */
  private deliverFrom = 0;
  private handle: FileHandle | undefined;
  private handleBase = -1;
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  /** The readable limit the buffer was filled against, and whether it reaches it. */
  private bufferLimit = -1;
  private bufferReachesLimit = false;
  private readonly durableEnd: DurableEndFile;
  /** The topic's incarnation token (see readTopicIncarnation), read at the first read. */
  private incarnation: string | undefined;
  private unpublished: { readonly end: string; readonly since: number } | undefined;
  private reportedCorruptionAt: string | undefined;

  constructor(private readonly options: PartitionReaderOptions) {
    this.partition = options.partition;
    this.durableEnd = new DurableEndFile(durableEndPath(options.dir), 'read');
  }

  /** Starts from a committed position, or from the oldest record when there is none or it no longer exists. */
  async seek(committed: LogPosition | undefined): Promise<void> {
    if (committed && (await this.pointsAtRecord(committed))) {
      this.position = committed;
      this.deliverFrom = committed.offset;
      return;
    }
    await this.relocate(committed?.offset ?? 0, committed !== undefined);
  }

  /** Starts at `offset` without a committed position, or at the oldest record when retention deleted it. */
  async seekOffset(offset: number): Promise<void> {
    await this.relocate(offset, false);
  }

  /** Moves the read position past messages that were processed. */
  advance(next: LogPosition): void {
    this.position = next;
  }

  /** Whether durable records lie past the read position (a cheap look at the durable end, for precedence between consumers). */
  async hasUnread(): Promise<boolean> {
    const end = await this.durableEnd.read();
    return end !== undefined && end.nextOffset > this.position.offset;
  }

  /** Up to `max` durable messages from the current position (fewer once they hold `maxBytes` of values), without moving it. */
  async read(max: number, maxBytes = Infinity): Promise<ReadResult> {
    // The partition folder sits in its topic's folder, which holds the token.
    const incarnation = (this.incarnation ??= await readIncarnationIn(path.dirname(this.options.dir), this.options.topic));
    const messages: ConsumedMessage[] = [];
    let valueBytes = 0;
    const end = await this.durableEnd.read();
    let position = this.position;
    while (messages.length < max && valueBytes < maxBytes) {
      if (!(await this.openSegment(position.segmentBase))) {
        if (messages.length > 0 || !(await this.relocate(position.offset, true))) break;
        position = this.position;
        continue;
      }
      const closed = end !== undefined && position.segmentBase < end.segmentBase;
      const limit = closed ? Infinity : end?.segmentBase === position.segmentBase ? end.bytePosition : 0;
      const at = position.bytePosition - this.bufferStart;
      const usable = Math.min(this.buffer.length, limit - this.bufferStart);
      const inBuffer = at >= 0 && at <= usable;
      let check = inBuffer ? checkRecord(this.buffer, at, usable, position.offset) : NOTHING_BUFFERED;
      if (check.kind === 'valid') {
        const record = decodeRecord(this.buffer, at, check.length);
        if (record) {
          if (position.offset >= this.deliverFrom) {
            messages.push({ incarnation, topic: this.options.topic, partition: this.options.partition, offset: String(record.offset), key: record.key, value: record.value, headers: record.headers });
            valueBytes += record.value.length;
          }
          position = { offset: position.offset + 1, segmentBase: position.segmentBase, bytePosition: position.bytePosition + check.length };
          if (messages.length === 0) this.position = position;
          continue;
        }
        check = { kind: 'corrupt', reason: 'the record fields do not add up to its length' };
      }
      if (check.kind === 'incomplete' && !(inBuffer && this.bufferReachesLimit && this.bufferLimit === limit)) {
        await this.fill(position.bytePosition, check.needed, limit);
        continue;
      }
      // Nothing more to deliver from here for now.
      if (messages.length > 0) break;
      if (closed) {
        const next = await this.leaveClosedSegment(position, check);
        if (next === undefined) break;
        position = next;
        this.position = position;
        continue;
      }
      if (check.kind === 'corrupt') this.reportCorruption(position, check.reason);
      else await this.watchUnpublished(end);
      break;
    }
    return { messages, next: position };
  }

  async close(): Promise<void> {
    await this.closeSegment();
    await this.durableEnd.close();
  }

  /** A closed segment read to its end: move to the next one, saying so if bytes at its end were unreadable. */
  private async leaveClosedSegment(position: LogPosition, check: RecordCheck): Promise<LogPosition | undefined> {
    const remaining = (await this.handle!.stat()).size - position.bytePosition;
    if (remaining > 0) this.reportCorruption(position, `${check.kind === 'corrupt' ? check.reason : 'incomplete record'}; skipping its last ${remaining} bytes`);
    const next = (await listSegments(this.options.dir)).find((base) => base > position.segmentBase);
    if (next === undefined) return undefined;
    if (next !== position.offset) {
      this.options.logger.warn(
        { topic: this.options.topic, partition: this.options.partition, expectedOffset: position.offset, nextSegmentOffset: next },
        'The next segment does not start at the expected offset; continuing from its first record.',
      );
    }
    return { offset: next, segmentBase: next, bytePosition: 0 };
  }

  /**
   * Bytes past the durable end are normally an append between its write and
   * its publication. If they stay there, unchanged, for tailRecoveryAfterMs,
   * no live writer is finishing them: have the tail recovered, which keeps the
   * whole records, cuts the rest and publishes the new durable end.
   */
  private async watchUnpublished(end: DurableEnd | undefined): Promise<void> {
    if (!this.options.recoverTail || !(await this.hasUnpublishedBytes(end))) {
      this.unpublished = undefined;
      return;
    }
    const key = end ? `${end.segmentBase}:${end.bytePosition}` : 'none';
    if (this.unpublished?.end !== key) {
      this.unpublished = { end: key, since: Date.now() };
      return;
    }
    if (Date.now() - this.unpublished.since < this.options.tailRecoveryAfterMs) return;
    this.unpublished = undefined;
    this.options.logger.info({ topic: this.options.topic, partition: this.options.partition, durableEnd: key }, 'Records past the durable end were left by a writer that stopped; recovering the tail.');
    try {
      await this.options.recoverTail();
    } catch (error) {
      this.options.logger.warn({ err: error, topic: this.options.topic, partition: this.options.partition }, 'Could not recover the tail of the partition; trying again later.');
    }
  }

  private async hasUnpublishedBytes(end: DurableEnd | undefined): Promise<boolean> {
    const segments = await listSegments(this.options.dir);
    if (!end) return segments.length > 0;
    if (segments.some((base) => base > end.segmentBase)) return true;
    try {
      return (await stat(segmentPath(this.options.dir, end.segmentBase))).size > end.bytePosition;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  private reportCorruption(position: LogPosition, reason: string): void {
    const where = `${position.segmentBase}:${position.bytePosition}`;
    if (this.reportedCorruptionAt === where) return;
    this.reportedCorruptionAt = where;
    this.options.logger.error(
      { topic: this.options.topic, partition: this.options.partition, segment: segmentFileName(position.segmentBase), bytePosition: position.bytePosition, offset: position.offset, reason },
      'The embedded log holds bytes that are not a valid record before its durable end: the disk corrupted them.',
    );
  }

  /** Whether the committed position still holds the record it names (or the end of its segment). */
  private async pointsAtRecord(position: LogPosition): Promise<boolean> {
    if (!(await this.openSegment(position.segmentBase))) return false;
    const { size } = await this.handle!.stat();
    if (position.bytePosition === size) return true;
    if (position.bytePosition > size) return false;
    await this.fill(position.bytePosition, RECORD_HEADER_BYTES, Infinity);
    const at = position.bytePosition - this.bufferStart;
    return this.buffer.length - at >= RECORD_HEADER_BYTES && this.buffer[at] === RECORD_MAGIC && readOffset(this.buffer, at) === position.offset;
  }

  /**
   * Positions the reader at `offset` by scanning the segment that holds it, or
   * at the oldest record when retention already deleted it. Returns false when
   * the partition has no segment yet.
   */
  private async relocate(offset: number, explain: boolean): Promise<boolean> {
    const segments = await listSegments(this.options.dir);
    const oldest = segments[0];
    if (oldest === undefined) {
      this.position = { offset, segmentBase: offset, bytePosition: 0 };
      this.deliverFrom = offset;
      return false;
    }
    if (offset < oldest) {
      if (explain) {
        this.options.logger.warn(
          { topic: this.options.topic, partition: this.options.partition, committedOffset: offset, oldestOffset: oldest },
          'The committed offset was deleted by retention; continuing from the oldest record left.',
        );
      }
      this.position = { offset: oldest, segmentBase: oldest, bytePosition: 0 };
      this.deliverFrom = oldest;
      return true;
    }
    const holder = segments.filter((base) => base <= offset).at(-1)!;
    if (explain) {
      this.options.logger.info({ topic: this.options.topic, partition: this.options.partition, offset, segment: segmentFileName(holder) }, 'Finding the committed offset by scanning its segment.');
    }
    this.position = { offset: holder, segmentBase: holder, bytePosition: 0 };
    this.deliverFrom = offset;
    return true;
  }

  /** Opens the segment unless it is already open; false when it does not exist (deleted by retention, or not written yet). */
  private async openSegment(base: number): Promise<boolean> {
    if (this.handle && this.handleBase === base) return true;
    await this.closeSegment();
    try {
      this.handle = await open(segmentPath(this.options.dir, base), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.handleBase = base;
    return true;
  }

  private async closeSegment(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.handleBase = -1;
    this.buffer = Buffer.alloc(0);
    this.bufferLimit = -1;
    this.bufferReachesLimit = false;
    await handle?.close();
  }

  /**
   * Reads from `bytePosition` towards `limit` (and the end of the file), at
   * most `readBytes` unless one record needs more. Each read gets a new buffer
   * because the delivered values are views into it.
   */
  private async fill(bytePosition: number, needed: number, limit: number): Promise<void> {
    const { size } = await this.handle!.stat();
    const readable = Math.max(Math.min(size, limit) - bytePosition, 0);
    const length = Math.min(Math.max(this.options.readBytes, needed), readable);
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle!.read(buffer, filled, length - filled, bytePosition + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.buffer = buffer.subarray(0, filled);
    this.bufferStart = bytePosition;
    this.bufferLimit = limit;
    // A short read means the file ended sooner than stat said; take what is there as all there is.
    this.bufferReachesLimit = filled >= readable || filled < length;
  }
}
