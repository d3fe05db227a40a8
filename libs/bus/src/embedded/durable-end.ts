import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32c } from './crc32c';

/**
 * How far a partition is durable: the newest segment, the byte where its
 * fsynced records end, and the offset the next record gets. The writer
 * publishes it after each fdatasync, under the partition lock; readers deliver
 * nothing beyond it. So a reader never sees an append that is still being
 * written, or one that fails and is cut back, and a record a consumer
 * processed can never disappear and have its offset reused.
 *
 * 32 bytes, big-endian, overwritten in place without fsync (it only ever
 * lags the data it describes): u32 version, u64 segment base, u64 byte
 * position, u64 next offset, u32 CRC-32C of the 28 bytes before it.
 */
export interface DurableEnd {
  readonly segmentBase: number;
  readonly bytePosition: number;
  readonly nextOffset: number;
}

const VERSION = 1;
const SIZE = 32;
const TWO_POW_32 = 0x1_0000_0000;

export function encodeDurableEnd(end: DurableEnd): Buffer {
  const bytes = Buffer.alloc(SIZE);
  bytes.writeUInt32BE(VERSION, 0);
  [end.segmentBase, end.bytePosition, end.nextOffset].forEach((value, i) => {
    bytes.writeUInt32BE(Math.floor(value / TWO_POW_32), 4 + i * 8);
    bytes.writeUInt32BE(value >>> 0, 8 + i * 8);
  });
  bytes.writeUInt32BE(crc32c(bytes, 0, 28), 28);
  return bytes;
}

/** Undefined for anything but a whole, valid mark (a missing file, or a read that raced an update). */
export function decodeDurableEnd(bytes: Buffer): DurableEnd | undefined {
  if (bytes.length < SIZE || bytes.readUInt32BE(0) !== VERSION || bytes.readUInt32BE(28) !== crc32c(bytes, 0, 28)) return undefined;
  const read = (i: number) => bytes.readUInt32BE(4 + i * 8) * TWO_POW_32 + bytes.readUInt32BE(8 + i * 8);
  return { segmentBase: read(0), bytePosition: read(1), nextOffset: read(2) };
}

export function sameEnd(a: DurableEnd | undefined, b: DurableEnd | undefined): boolean {
  return a?.segmentBase === b?.segmentBase && a?.bytePosition === b?.bytePosition && a?.nextOffset === b?.nextOffset;
}

/** The mark's file, kept open: the writer rewrites it per append, readers read it per poll. */
export class DurableEndFile {
  private handle: FileHandle | undefined;
  private lastGood: DurableEnd | undefined;

  constructor(
    private readonly path: string,
    private readonly mode: 'read' | 'write',
  ) {}

  /** The current mark; when a read races a rewrite, the last good one. Undefined while none was ever published. */
  async read(): Promise<DurableEnd | undefined> {
    const handle = await this.open();
    if (!handle) return undefined;
    const bytes = Buffer.alloc(SIZE);
    const { bytesRead } = await handle.read(bytes, 0, SIZE, 0);
    const end = decodeDurableEnd(bytes.subarray(0, bytesRead));
    if (end) this.lastGood = end;
    return this.lastGood;
  }

  async write(end: DurableEnd): Promise<void> {
    const handle = (await this.open())!;
    await handle.write(encodeDurableEnd(end), 0, SIZE, 0);
    this.lastGood = end;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async open(): Promise<FileHandle | undefined> {
    if (this.handle) return this.handle;
    try {
      // Never truncated on open: a reader must not catch the file empty.
      this.handle = await open(this.path, this.mode === 'write' ? constants.O_RDWR | constants.O_CREAT : constants.O_RDONLY);
    } catch (error) {
      if (this.mode === 'read' && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return this.handle;
  }
}
