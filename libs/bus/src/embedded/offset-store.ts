import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { BusLogger } from './logger';
import { offsetsPath } from './layout';
import type { LogPosition } from './partition-reader';

interface CommittedFile {
  /** The next offset to consume, as a decimal string like every offset the bus shows. */
  readonly offset: string;
  readonly segmentBase: string;
  readonly bytePosition: number;
  readonly committedAt: string;
}

/**
 * A group's committed position in one partition, one small JSON file per
 * group, replaced atomically (temporary file, fsync, rename). It stores the
 * segment and byte position next to the offset so a restart resumes without
 * scanning. The directory itself is not fsynced after the rename: losing the
 * newest commit in a power cut only redelivers a chunk, which the processor's
 * deterministic event ids absorb.
 */
export class OffsetStore {
  private readonly file: string;
  private dirReady = false;

  constructor(
    partitionDirectory: string,
    groupId: string,
    private readonly logger: BusLogger,
  ) {
    this.file = offsetsPath(partitionDirectory, groupId);
  }

  async read(): Promise<LogPosition | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const stored = JSON.parse(text) as CommittedFile;
      const position = { offset: Number(stored.offset), segmentBase: Number(stored.segmentBase), bytePosition: stored.bytePosition };
      if (Object.values(position).every((value) => Number.isSafeInteger(value) && value >= 0)) return position;
    } catch {
      // Reported below, like a file with the wrong fields.
    }
    this.logger.warn({ file: this.file }, 'The committed offset file is unreadable; starting from the oldest record, which redelivers what it covered.');
    return undefined;
  }

  async commit(position: LogPosition): Promise<void> {
    if (!this.dirReady) {
      await mkdir(path.dirname(this.file), { recursive: true });
      this.dirReady = true;
    }
    const content: CommittedFile = {
      offset: String(position.offset),
      segmentBase: String(position.segmentBase),
      bytePosition: position.bytePosition,
      committedAt: new Date().toISOString(),
    };
    const staged = `${this.file}.${process.pid}.tmp`;
    const handle = await open(staged, 'w');
    try {
      await handle.write(`${JSON.stringify(content)}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(staged, this.file);
  }
}
