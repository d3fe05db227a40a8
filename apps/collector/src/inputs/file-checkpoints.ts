/**
 * Where each tailed file has been read up to, by file identity (device and
 * inode, so a renamed file keeps its place), saved as one JSON file. Saving
 * writes a temporary file, fsyncs it, renames it over the old one and fsyncs
 * the directory: a crash leaves either the old or the new checkpoints, whole.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { InputErrorCodes, InputSetupError } from './input-errors';

export interface FileCheckpoint {
  readonly device: string;
  readonly inode: string;
  /** Last path the file was read under; informative, identity is device and inode. */
  readonly path: string;
  /** Every byte before this offset is durable in the bus. */
  readonly offset: number;
}

const VERSION = 1;

export const fileKey = (device: bigint | string, inode: bigint | string): string => `${device}:${inode}`;

export class CheckpointStore {
  private readonly entries = new Map<string, FileCheckpoint>();
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(private readonly file: string) {}

  /** Loads the checkpoints; a missing file is a first start, an unreadable one stops the start rather than re-sending everything. */
  static async open(file: string): Promise<CheckpointStore> {
    const store = new CheckpointStore(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new InputSetupError(InputErrorCodes.checkpointUnreadable, `The file checkpoints ${file} cannot be read (${(error as Error).message}); fix its permissions.`, { cause: error });
    }
    try {
      const parsed = JSON.parse(text) as { version: number; files: FileCheckpoint[] };
      if (parsed.version !== VERSION || !Array.isArray(parsed.files)) throw new Error(`unexpected version ${parsed.version}`);
      for (const entry of parsed.files) {
        if (typeof entry.device !== 'string' || typeof entry.inode !== 'string' || !Number.isSafeInteger(entry.offset) || entry.offset < 0) throw new Error(`bad entry ${JSON.stringify(entry)}`);
        store.entries.set(fileKey(entry.device, entry.inode), entry);
      }
    } catch (error) {
      throw new InputSetupError(
        InputErrorCodes.checkpointUnreadable,
        `The file checkpoints ${file} are corrupt (${(error as Error).message}); delete the file to read every matched file from the start again.`,
        { cause: error },
      );
    }
    return store;
  }

  get(key: string): FileCheckpoint | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  set(checkpoint: FileCheckpoint): void {
    const key = fileKey(checkpoint.device, checkpoint.inode);
    const current = this.entries.get(key);
    if (current && current.offset === checkpoint.offset && current.path === checkpoint.path) return;
    this.entries.set(key, checkpoint);
    this.dirty = true;
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.dirty = true;
  }

  /** Writes the checkpoints if they changed; saves run one at a time, in order. */
  save(): Promise<void> {
    // A failed save must not block the next one: the caller logs it, and the next save retries.
    this.saving = this.saving.catch(() => undefined).then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await writeAtomically(this.file, `${JSON.stringify({ version: VERSION, files: [...this.entries.values()] })}\n`);
      } catch (error) {
        this.dirty = true;
        throw error;
      }
    });
    return this.saving;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
