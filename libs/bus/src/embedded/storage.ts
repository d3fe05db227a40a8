import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BusError, BusErrorCodes } from '../errors';
import { busDir } from './layout';

/** Failures of the disk itself rather than of our logic: out of space, no permission, read-only, not a directory. */
const STORAGE_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EIO', 'ENOENT']);
const OUT_OF_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export function isStorageFailure(error: unknown): boolean {
  return STORAGE_FAILURES.has((error as NodeJS.ErrnoException).code ?? '');
}

function advice(code: string | undefined): string {
  if (code && OUT_OF_SPACE.has(code)) return 'Free space on that volume, lower the retention, or point SIEM_DATA_DIR at a larger volume.';
  if (code === 'EACCES' || code === 'EPERM') return 'Give the user running the SIEM write permission there, or point SIEM_DATA_DIR at a directory it owns.';
  if (code === 'EROFS') return 'That file system is mounted read-only; point SIEM_DATA_DIR at a writable one.';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'A file stands where a directory is expected; point SIEM_DATA_DIR at a directory.';
  return 'Point SIEM_DATA_DIR at a writable directory with free space.';
}

/** The error the apps see when the disk refuses a write; `retryable` tells the collector to back off and retry. */
export function storageUnavailable(where: string, cause: unknown, retryable: boolean): BusError {
  const code = (cause as NodeJS.ErrnoException).code;
  const detail = code ? `${code}: ${(cause as Error).message}` : String((cause as Error).message ?? cause);
  return new BusError(BusErrorCodes.storageUnavailable, `The embedded bus cannot write to ${where} (${detail}). ${advice(code)}`, { cause, retryable });
}

/** Proves at start that the bus directory can be created and written durably: create, fsync and delete a probe file. */
export async function probeWritable(dataDir: string): Promise<void> {
  const dir = busDir(dataDir);
  const probe = path.join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(probe, 'wx');
    try {
      await handle.write(Buffer.from('probe'));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await unlink(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw storageUnavailable(dir, error, code !== undefined && OUT_OF_SPACE.has(code));
  }
}

/** Makes a file's creation, rename or removal in `dir` durable (fsync of the directory itself). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
