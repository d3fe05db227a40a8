/**
 * The file input: tails every file the glob patterns match, finds new and
 * rotated files by rescanning, and persists how far each file is durable in
 * the bus. Files are polled rather than watched: inotify misses writes on
 * network file systems and through some bind mounts, and polling a handful of
 * open files costs one fstat each.
 */
import { open, stat } from 'node:fs/promises';
import { CheckpointStore, fileKey } from './file-checkpoints';
import { compileGlob, expandGlob, type CompiledGlob } from './file-glob';
import { FILE_INPUT, FileTailer } from './file-tailer';
import type { InputContext, RunningInput } from './input';
import { InputErrorCodes, InputSetupError } from './input-errors';

export interface FileTailOptions {
  readonly patterns: readonly string[];
  readonly multilineStart?: string;
  readonly multilineTimeoutMs: number;
  readonly pollMs: number;
  readonly scanIntervalMs: number;
  readonly checkpointFile: string;
}

function compileMultiline(source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    throw new InputSetupError(InputErrorCodes.multilineInvalid, `SIEM_FILE_MULTILINE_START is not a valid regular expression (${(error as Error).message}); for example ^\\d{4}-\\d{2}-\\d{2} starts an event at each dated line.`, { cause: error });
  }
}

export async function startFileTail(options: FileTailOptions, context: InputContext): Promise<RunningInput> {
  const globs: CompiledGlob[] = options.patterns.map((pattern) => compileGlob(pattern));
  const multilineStart = compileMultiline(options.multilineStart);
  const checkpoints = await CheckpointStore.open(options.checkpointFile);
  const tailers = new Map<string, FileTailer>();
  const { logger } = context;
  const tailerOptions = {
    multilineStart,
    multilineTimeoutMs: options.multilineTimeoutMs,
    onDurable: (tailer: FileTailer) => checkpoints.set({ device: tailer.device, inode: tailer.inode, path: tailer.path, offset: tailer.durableOffset }),
  };

  const openTailer = async (path: string): Promise<FileTailer | undefined> => {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      logger.warn({ err: error, path }, 'A matched file cannot be opened; it is retried at the next scan.');
      return undefined;
    }
    // Identity from the open handle, not the path: the path may have been rotated in between.
    const info = await handle.stat({ bigint: true });
    const key = fileKey(info.dev, info.ino);
    const existing = tailers.get(key);
    if (existing) {
      await handle.close();
      return existing;
    }
    let offset = checkpoints.get(key)?.offset ?? 0;
    if (Number(info.size) < offset) {
      logger.info({ path, offset, size: Number(info.size) }, 'A tailed file is shorter than its checkpoint (truncated while the collector was down); reading it from the start.');
      offset = 0;
    }
    const tailer = new FileTailer(String(info.dev), String(info.ino), path, handle, offset, context, tailerOptions);
    tailers.set(key, tailer);
    tailerOptions.onDurable(tailer);
    logger.info({ path, offset }, 'Tailing a file.');
    return tailer;
  };

  const scan = async (first: boolean): Promise<void> => {
    const seen = new Set<FileTailer>();
    for (const glob of globs) {
      for (const path of await expandGlob(glob)) {
        let key: string;
        try {
          const info = await stat(path, { bigint: true });
          key = fileKey(info.dev, info.ino);
        } catch {
          continue;
        }
        const tailer = tailers.get(key) ?? (await openTailer(path));
        if (!tailer) continue;
        tailer.path = path;
        tailer.gone = false;
        seen.add(tailer);
      }
    }
    for (const tailer of tailers.values()) if (!seen.has(tailer)) tailer.gone = true;
    // Checkpoints of files that no longer exist under any pattern would otherwise pile up forever.
    if (first) for (const key of checkpoints.keys()) if (!tailers.has(key)) checkpoints.delete(key);
  };

  const poll = async (): Promise<void> => {
    const now = Date.now();
    for (const [key, tailer] of tailers) {
      try {
        await tailer.poll(now);
      } catch (error) {
        logger.warn({ err: error, path: tailer.path }, 'Reading a tailed file failed; it is tried again at the next poll.');
      }
      if (tailer.finished) {
        tailers.delete(key);
        checkpoints.delete(key);
        await tailer.close();
        logger.info({ path: tailer.path }, 'A rotated or deleted file was read to its end and closed.');
      }
    }
  };

  const save = () => checkpoints.save().catch((error: unknown) => logger.error({ err: error, file: options.checkpointFile }, 'The file checkpoints could not be saved; lines may be sent again after a restart.'));

  await scan(true);
  await save();
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    let nextScan = Date.now() + options.scanIntervalMs;
    while (!stopped) {
      try {
        if (Date.now() >= nextScan) {
          await scan(false);
          nextScan = Date.now() + options.scanIntervalMs;
        }
        await poll();
      } catch (error) {
        logger.error({ err: error }, 'The file input failed a scan; it carries on at the next one.');
      }
      await save();
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.pollMs);
      });
    }
  })();

  return {
    name: FILE_INPUT,
    address: `files:${options.patterns.join(',')}`,
    async close() {
      stopped = true;
      wake?.();
      await loop;
      // An event still being joined is not sent: its lines stay after the checkpoint and are read again at the next start.
      await Promise.all([...tailers.values()].map((tailer) => tailer.settled()));
      await save();
      await Promise.all([...tailers.values()].map((tailer) => tailer.close()));
    },
  };
}
