/**
 * Bounded reads of the embedded log, outside any running consumer group: a
 * group's positions against the partition ends, and the records between two
 * offsets. `siem dlq replay` uses them to replay exactly the dead letters that
 * existed when it started, never the ones its own replay produces.
 */
import { BusError, BusErrorCodes } from '../errors';
import type { OffsetRange, PartitionPosition, ReadRangeOptions } from '../offset-range';
import { DurableEndFile } from './durable-end';
import { durableEndPath, listSegments, partitionDir } from './layout';
import { silentLogger, type BusLogger } from './logger';
import { OffsetStore } from './offset-store';
import { PartitionReader } from './partition-reader';
import { readPartitionCount } from './topics';

const READ_BYTES = 1024 * 1024;
const CHUNK_MAX_BYTES = 8 * 1024 * 1024;
const EMPTY_READ_PAUSE_MS = 50;
/** A range whose records stay unreadable this long (bytes corrupted on disk) fails instead of waiting forever. */
const STALLED_AFTER_MS = 10_000;

export async function embeddedPositions(dataDir: string, topic: string, groupId: string, logger: BusLogger = silentLogger): Promise<PartitionPosition[]> {
  const count = await readPartitionCount(dataDir, topic);
  const positions: PartitionPosition[] = [];
  for (let partition = 0; partition < count; partition++) {
    const dir = partitionDir(dataDir, topic, partition);
    const endFile = new DurableEndFile(durableEndPath(dir), 'read');
    const end = (await endFile.read())?.nextOffset ?? 0;
    await endFile.close();
    const oldest = Math.min((await listSegments(dir))[0] ?? end, end);
    const committed = (await new OffsetStore(dir, groupId, logger).read())?.offset ?? oldest;
    positions.push({ partition, oldest: String(oldest), next: String(Math.min(Math.max(committed, oldest), end)), end: String(end) });
  }
  return positions;
}

export async function readEmbeddedRange(
  dataDir: string,
  topic: string,
  ranges: readonly OffsetRange[],
  options: ReadRangeOptions,
  logger: BusLogger = silentLogger,
  stalledAfterMs = STALLED_AFTER_MS,
): Promise<void> {
  for (const range of ranges) {
    const until = Number(range.until);
    if (Number(range.from) >= until) continue;
    const dir = partitionDir(dataDir, topic, range.partition);
    const reader = new PartitionReader({ dir, topic, partition: range.partition, readBytes: READ_BYTES, logger, tailRecoveryAfterMs: Infinity });
    const offsets = options.commitGroup === undefined ? undefined : new OffsetStore(dir, options.commitGroup, logger);
    try {
      await reader.seekOffset(Number(range.from));
      let position = Number(range.from);
      let progressAt = Date.now();
      while (position < until) {
        // Offsets in the embedded log have no gaps, so asking for `until - position` messages stops at the range's end.
        const { messages, next } = await reader.read(Math.min(options.chunkSize, until - position), CHUNK_MAX_BYTES);
        if (messages.length === 0) {
          if (Date.now() - progressAt > stalledAfterMs) {
            throw new BusError(
              BusErrorCodes.rangeUnreadable,
              `Offsets ${position} to ${until - 1} of ${topic} partition ${range.partition} stayed unreadable for ${stalledAfterMs / 1000} s; the error logged before this names the damaged segment.`,
              { retryable: false },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, EMPTY_READ_PAUSE_MS));
          continue;
        }
        await options.handleChunk(messages);
        reader.advance(next);
        await offsets?.commit(next);
        position = next.offset;
        progressAt = Date.now();
      }
    } finally {
      await reader.close();
    }
  }
}
