import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCodes } from '../errors';
import type { BulkIndexResult, CountRequest, EventStore, IndexableEvent, RejectedEvent, SearchHit, SearchRequest, SearchResult } from '../types';
import { fullTextOf, termsOf } from './fields';
import { Partition, compileForPartition, type PartitionHit, type PreparedEvent } from './partition';
import { storeErrorFrom, unavailable } from './sqlite-errors';
import { DAY_MS, dayStart, keyRange, parseTimeBound, parseTimestamp, partitionDay, timeOfKey, utcDay, windowStart } from './time-key';

export interface EmbeddedStoreOptions {
  /** The data directory; the store keeps its files in `<dataDir>/store/`. */
  readonly dataDir: string;
  /** Prefix of the day partitions, which are named `<indexPrefix>YYYY.MM.DD` like the OpenSearch indices. */
  readonly indexPrefix?: string;
  /** Days `applyRetention` keeps besides today; unset keeps everything. */
  readonly retentionDays?: number;
  /** How long a write waits for another process's write lock before failing as retryable. */
  readonly busyTimeoutMs?: number;
  /** SQLite page cache per open day, in KiB (8 MiB by default; the OS page cache does the rest). */
  readonly cacheSizeKib?: number;
}

/** `total` counts matches up to this many, as OpenSearch's default track_total_hits does. */
export const TOTAL_HITS_LIMIT = 10_000;
const DEFAULT_PREFIX = 'siem-events-';
const PREFIX = /^[A-Za-z0-9._-]*$/;
const MAX_ID_BYTES = 512;
const MAX_DOCUMENT_CHARS = 100 * 1024 * 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The event store of a deployment without OpenSearch: one SQLite database per day under
 * `<dataDir>/store/`, each event as its JSON document keyed by its time, plus an FTS5
 * index of its analysed `message` and of the keywords of the common ECS fields. Several
 * processes may use one directory at once (WAL): writers take turns per batch, readers
 * never wait.
 */
export class EmbeddedStore implements EventStore {
  readonly directory: string;
  private readonly prefix: string;
  private readonly fileName: RegExp;
  private readonly partitions = new Map<string, Partition>();
  private readonly partitionOptions: { busyTimeoutMs: number; cacheSizeKib: number };
  private directoryMade = false;
  private lockWaitMs = 0;

  constructor(private readonly options: EmbeddedStoreOptions) {
    this.prefix = options.indexPrefix ?? DEFAULT_PREFIX;
    if (!PREFIX.test(this.prefix)) {
      throw new StoreError(StoreErrorCodes.setupFailed, `The index prefix "${this.prefix}" cannot name a file; use letters, digits, '.', '_' and '-'.`, { retryable: false });
    }
    if (options.retentionDays !== undefined && !(Number.isInteger(options.retentionDays) && options.retentionDays >= 0)) {
      throw new StoreError(StoreErrorCodes.setupFailed, `retentionDays must be a whole number of days (0 or more), not ${options.retentionDays}.`, { retryable: false });
    }
    this.directory = path.join(options.dataDir, 'store');
    this.fileName = new RegExp(`^${escapeRegExp(this.prefix)}(\\d{4}\\.\\d{2}\\.\\d{2})\\.sqlite$`);
    this.partitionOptions = { busyTimeoutMs: options.busyTimeoutMs ?? 5000, cacheSizeKib: options.cacheSizeKib ?? 8192 };
  }

  /** Creates the directory and proves it writable, and that SQLite with FTS5 loads. */
  async ensureReady(): Promise<void> {
    const fail = (reason: string, cause?: unknown): never => {
      throw new StoreError(
        StoreErrorCodes.setupFailed,
        `The embedded store cannot use ${this.directory}: ${reason}. Point SIEM_DATA_DIR at a writable directory or fix its permissions.`,
        { cause, retryable: false },
      );
    };
    try {
      fs.mkdirSync(this.directory, { recursive: true });
    } catch (cause) {
      fail(`it cannot be created (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
    }
    if (!fs.statSync(this.directory).isDirectory()) fail('it is not a directory');
    const probe = path.join(this.directory, `.write-probe-${process.pid}`);
    try {
      fs.writeFileSync(probe, '');
      fs.rmSync(probe);
    } catch (cause) {
      fail(`files cannot be written there (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, cause);
    }
    this.directoryMade = true;
    let db: Database.Database | undefined;
    try {
      db = new Database(':memory:');
      db.exec("CREATE VIRTUAL TABLE probe USING fts5(text, content='', contentless_delete=1)");
    } catch (cause) {
      throw new StoreError(
        StoreErrorCodes.setupFailed,
        `SQLite could not start (${(cause as Error).message}). Rebuild better-sqlite3's native module: npm_config_nodedir=<node prefix> npm rebuild better-sqlite3.`,
        { cause, retryable: false },
      );
    } finally {
      db?.close();
    }
  }

  async bulkIndex(events: readonly IndexableEvent[]): Promise<BulkIndexResult> {
    const rejected: RejectedEvent[] = [];
    const byDay = new Map<string, PreparedEvent[]>();
    for (const event of events) {
      const prepared = this.prepare(event);
      if ('reason' in prepared) {
        rejected.push(prepared);
        continue;
      }
      const batch = byDay.get(prepared.day);
      if (batch) batch.push(prepared.event);
      else byDay.set(prepared.day, [prepared.event]);
    }
    for (const [day, batch] of byDay) {
      let partition: Partition | undefined;
      try {
        partition = this.writablePartition(day);
        this.lockWaitMs += partition.write(batch, rejected);
      } catch (cause) {
        throw unavailable(cause, `Writing ${batch.length} events of ${day}`, partition?.file ?? this.fileOf(day));
      }
    }
    return { indexed: events.length - rejected.length, rejected };
  }

  writeLockWaitMs(): number {
    return this.lockWaitMs;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const compiled = compileForPartition(request.query);
    let total = 0;
    let hits: (PartitionHit & { day: string })[] = [];
    for (const { day, partition, range } of this.daysToSearch(request)) {
      const countLimit = TOTAL_HITS_LIMIT - total;
      // Days come newest first: once the page is full and this day holds nothing newer, it only adds to the count.
      const last = request.size > 0 ? hits[request.size - 1] : undefined;
      const pageFull = request.size === 0 || (last !== undefined && last.time > timeOfKey(partition.start, range[1]));
      if (pageFull && countLimit <= 0) break;
      try {
        total += partition.count(compiled, range, countLimit);
        if (!pageFull) hits = [...hits, ...partition.newest(compiled, range, request.size).map((hit) => ({ ...hit, day }))].sort((a, b) => b.time - a.time).slice(0, request.size);
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Searching ${day}`, partition.file);
      }
    }
    return { total, hits: hits.map((hit): SearchHit => ({ id: hit.id, index: `${this.prefix}${hit.day}`, event: JSON.parse(hit.json) })) };
  }

  /** Counts every match, past the TOTAL_HITS_LIMIT where `search` stops. */
  async count(request: CountRequest): Promise<number> {
    const compiled = compileForPartition(request.query);
    let total = 0;
    for (const { day, partition, range } of this.daysToSearch(request)) {
      try {
        total += partition.count(compiled, range);
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Counting in ${day}`, partition.file);
      }
    }
    return total;
  }

  /**
   * Deletes the days older than `retentionDays` before `now`'s day, and returns their index
   * names. A process that still has a deleted day open keeps writing to the unlinked file;
   * only events older than the retention can go there, and they would be deleted next time.
   */
  async applyRetention(now: Date = new Date()): Promise<string[]> {
    if (this.options.retentionDays === undefined) return [];
    const oldestKept = dayStart(utcDay(now.getTime())) - this.options.retentionDays * DAY_MS;
    const dropped: string[] = [];
    for (const day of this.listDays()) {
      if (dayStart(day) >= oldestKept) continue;
      this.partitions.get(day)?.close();
      this.partitions.delete(day);
      const file = this.fileOf(day);
      try {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
      } catch (cause) {
        throw unavailable(cause, `Deleting ${day} for retention`, file);
      }
      dropped.push(`${this.prefix}${day}`);
    }
    return dropped;
  }

  async close(): Promise<void> {
    for (const partition of this.partitions.values()) partition.close();
    this.partitions.clear();
  }

  private prepare(event: IndexableEvent): { day: string; event: PreparedEvent } | RejectedEvent {
    const id = typeof event?.id === 'string' ? event.id : '';
    const reject = (reason: string): RejectedEvent => ({ id, status: 400, reason });
    if (id.length === 0) return reject('the event has no id');
    if (Buffer.byteLength(id) > MAX_ID_BYTES) return reject(`the id is longer than ${MAX_ID_BYTES} bytes`);
    if (!isPlainObject(event.document)) return reject('the document is not a JSON object');
    const time = typeof event.timestamp === 'string' ? parseTimestamp(event.timestamp) : undefined;
    if (time === undefined) return reject(`the timestamp ${JSON.stringify(event.timestamp)} is not an ISO 8601 time`);
    let json: string;
    try {
      json = JSON.stringify(event.document);
    } catch (cause) {
      return reject(`the document cannot be serialised as JSON: ${(cause as Error).message}`);
    }
    if (json.length > MAX_DOCUMENT_CHARS) return reject(`the document is larger than ${MAX_DOCUMENT_CHARS} characters as JSON`);
    return { day: partitionDay(event.timestamp, time), event: { id, time, json, text: fullTextOf(event.document), terms: termsOf(event.document) } };
  }

  /** The days holding events in the request's time range, newest first, with the key range to search in each. */
  private *daysToSearch(request: CountRequest): Generator<{ day: string; partition: Partition; range: readonly [number, number] }> {
    const from = this.bound(request.from, 'from', Number.NEGATIVE_INFINITY);
    const to = this.bound(request.to, 'to', Number.POSITIVE_INFINITY);
    for (const day of this.listDays()) {
      const window = keyRange(windowStart(day), from, to);
      if (!window) continue;
      let stored: readonly [number, number] | undefined;
      let partition: Partition | undefined;
      try {
        partition = this.existingPartition(day);
        stored = partition?.keyBounds();
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Opening ${day}`, this.fileOf(day));
      }
      if (!partition || !stored) continue;
      // A day's window overlaps its neighbours', its events rarely do: narrow the range to them.
      const range = [Math.max(window[0], stored[0]), Math.min(window[1], stored[1])] as const;
      if (range[0] <= range[1]) yield { day, partition, range };
    }
  }

  private bound(value: string | undefined, name: string, unset: number): number {
    if (value === undefined || value === '') return unset;
    const ms = parseTimeBound(value);
    if (ms === undefined) {
      throw new StoreError(StoreErrorCodes.searchFailed, `The search's ${name} time "${value}" is neither ISO 8601 nor epoch milliseconds.`, { retryable: false });
    }
    return ms;
  }

  private fileOf(day: string): string {
    return path.join(this.directory, `${this.prefix}${day}.sqlite`);
  }

  /** The days on disk, newest first; forgets open days whose file another process deleted. */
  private listDays(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.directory);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') names = [];
      else throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, 'Listing the days', this.directory);
    }
    const days = names.flatMap((name) => this.fileName.exec(name)?.[1] ?? []).sort().reverse();
    const present = new Set(days);
    for (const [day, partition] of this.partitions) {
      if (!present.has(day)) {
        partition.close();
        this.partitions.delete(day);
      }
    }
    return days;
  }

  private writablePartition(day: string): Partition {
    const open = this.partitions.get(day);
    if (open) return open;
    if (!this.directoryMade) {
      fs.mkdirSync(this.directory, { recursive: true });
      this.directoryMade = true;
    }
    const partition = Partition.create(this.fileOf(day), day, this.partitionOptions);
    this.partitions.set(day, partition);
    return partition;
  }

  /** The day's partition if its file exists (another process may have created it). */
  private existingPartition(day: string): Partition | undefined {
    const open = this.partitions.get(day);
    if (open) return open;
    const partition = Partition.openExisting(this.fileOf(day), day, this.partitionOptions);
    if (partition) this.partitions.set(day, partition);
    return partition;
  }
}
