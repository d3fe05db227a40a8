import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type BusLogger } from './logger';
import { busDir, listSegments, segmentPath } from './layout';
import { isStorageFailure, storageUnavailable } from './storage';

export interface RetentionOptions {
  /** Keep at most about this many bytes per partition (whole segments are deleted, so it may stay up to one segment over). */
  readonly maxBytesPerPartition?: number;
  /** Delete segments whose last append is older than this. */
  readonly maxAgeMs?: number;
  readonly logger?: BusLogger;
  /** The time to measure ages from; the current time by default. */
  readonly now?: number;
}

export interface RetentionResult {
  readonly deletedSegments: number;
  readonly deletedBytes: number;
}

interface SegmentInfo {
  readonly path: string;
  readonly base: number;
  readonly size: number;
  readonly lastAppendMs: number;
}

/**
 * Deletes whole closed segments, oldest first, while they are older than
 * `maxAgeMs` or the partition is over `maxBytesPerPartition`. The newest
 * segment of a partition is the one being appended to and is never deleted,
 * and deletion stops at the first segment to keep, so what remains is one
 * contiguous run of offsets. Offsets are never reused: the next append still
 * takes the offset after the newest record. Consumers whose committed offset
 * was deleted continue from the oldest record left.
 */
export async function applyRetention(dataDir: string, options: RetentionOptions): Promise<RetentionResult> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now();
  let deletedSegments = 0;
  let deletedBytes = 0;
  for (const dir of await partitionDirs(busDir(dataDir))) {
    const bases = await listSegments(dir);
    const segments: SegmentInfo[] = [];
    for (const base of bases) {
      const file = segmentPath(dir, base);
      try {
        const info = await stat(file);
        segments.push({ path: file, base, size: info.size, lastAppendMs: info.mtimeMs });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    let total = segments.reduce((sum, segment) => sum + segment.size, 0);
    for (const segment of segments.slice(0, -1)) {
      const tooOld = options.maxAgeMs !== undefined && now - segment.lastAppendMs > options.maxAgeMs;
      const overBudget = options.maxBytesPerPartition !== undefined && total > options.maxBytesPerPartition;
      if (!tooOld && !overBudget) break;
      try {
        await unlink(segment.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        if (isStorageFailure(error)) throw storageUnavailable(segment.path, error, true);
        throw error;
      }
      total -= segment.size;
      deletedSegments++;
      deletedBytes += segment.size;
      logger.info({ segment: segment.path, bytes: segment.size, reason: tooOld ? 'age' : 'size' }, 'Deleted a closed segment of the embedded log under retention.');
    }
  }
  return { deletedSegments, deletedBytes };
}

/** Every <bus>/<topic>/<partition> folder. */
async function partitionDirs(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const topic of await subfolders(root)) {
    const topicPath = path.join(root, topic);
    for (const partition of await subfolders(topicPath)) {
      if (/^\d+$/.test(partition)) found.push(path.join(topicPath, partition));
    }
  }
  return found;
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
