/**
 * Keeps a value loaded from a file current without a restart. fs.watch on the
 * parent directory sees a file replaced by rename (how most tools write
 * atomically) as well as one rewritten in place; a slow poll of the file's
 * size, mtime and inode catches what watch misses (network file systems,
 * editors that replace the directory entry, platforms without inotify).
 * Changes are debounced so a file being written is read once, whole. A
 * reload that fails keeps the previous value in use and is logged.
 */
import { statSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '@siem/telemetry';
import { fileReadError, readFileOrThrow } from './read-file';

export interface WatchOptions {
  readonly debounceMs: number;
  readonly pollMs: number;
  readonly logger: Logger;
}

export interface WatchedFileSpec<T> {
  readonly path: string;
  /** Used in messages: "threat intelligence file", "GeoIP database"... */
  readonly what: string;
  /** Builds the value from the file's bytes; throws an EnrichError when the content is unusable. */
  load(content: Buffer, path: string): T;
  /** Receives each value loaded after a change. */
  onReload(value: T): void;
}

export interface ReloadCounts {
  succeeded: number;
  failed: number;
}

export interface WatchedFile<T> {
  readonly initial: T;
  reloads(): ReloadCounts;
  close(): void;
}

export function sumReloads(files: readonly WatchedFile<unknown>[]): ReloadCounts {
  const total = { succeeded: 0, failed: 0 };
  for (const file of files) {
    const counts = file.reloads();
    total.succeeded += counts.succeeded;
    total.failed += counts.failed;
  }
  return total;
}

/** Loads the file now (throwing at start if it cannot be used), then watches it when `options` is given. */
export function loadWatchedFile<T>(spec: WatchedFileSpec<T>, options: WatchOptions | undefined): WatchedFile<T> {
  // Taken before reading, so a change made while the first load runs is seen as a change.
  let signature = options ? signatureNow(spec.path) : '';
  const initial = spec.load(readFileOrThrow(spec.path, spec.what), spec.path);
  const counts = { succeeded: 0, failed: 0 };
  if (!options) return { initial, reloads: () => ({ ...counts }), close: () => undefined };

  const log = options.logger.child({ file: spec.path });
  let closed = false;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const check = async (): Promise<void> => {
    let stats: Stats;
    try {
      stats = await stat(spec.path);
    } catch (cause) {
      if (signature !== 'missing') log.error({ err: fileReadError(spec.path, spec.what, cause) }, 'The file is gone; the data loaded before stays in use.');
      signature = 'missing';
      return;
    }
    const next = signatureOf(stats);
    if (next === signature) return;
    try {
      const value = spec.load(await readFile(spec.path), spec.path);
      if (closed) return;
      signature = next;
      counts.succeeded++;
      spec.onReload(value);
      log.info({ what: spec.what }, 'Reloaded the file after a change.');
    } catch (cause) {
      signature = next;
      counts.failed++;
      const err = (cause as { code?: string }).code?.startsWith('SIEM_') ? cause : fileReadError(spec.path, spec.what, cause);
      log.error({ err, what: spec.what }, 'The changed file cannot be used; the data loaded before stays in use until the file is fixed.');
    }
  };

  // One check at a time; a change seen during a check runs one more after it.
  const runCheck = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = check().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        runCheck();
      }
    });
  };

  const schedule = (): void => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(runCheck, options.debounceMs);
    debounce.unref();
  };

  let watcher: FSWatcher | undefined;
  const name = basename(spec.path);
  try {
    watcher = watch(dirname(spec.path), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
    watcher.on('error', (err) => {
      log.warn({ err }, 'Watching the directory failed; changes are found by polling only.');
      watcher?.close();
    });
  } catch (err) {
    log.warn({ err }, 'The directory cannot be watched; changes are found by polling only.');
  }
  const poll = setInterval(runCheck, options.pollMs);
  poll.unref();

  return {
    initial,
    reloads: () => ({ ...counts }),
    close: () => {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poll);
      watcher?.close();
    },
  };
}

function signatureOf(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

function signatureNow(path: string): string {
  try {
    return signatureOf(statSync(path));
  } catch {
    return '';
  }
}
