import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, StoreErrorCodes } from '../errors';
import { aggregator, type AggregationRow } from '../aggregations/accumulate';
import { aggregateDays, type DayRange } from './analytics';
import { HOUR_MS, hourFitsBucket, rollupAnswers, rollupScope, weightedRow } from './rollup';
import { checkAggregations } from '../aggregations/shared';
import type { AggregateRequest, AggregateResult } from '../aggregations/types';
import { decodeCursor, encodeCursor } from '../cursor';
import { catalogRange } from '../fields/catalog-rules';
import type { FieldsRequest, FieldsResult } from '../fields/types';
import type { BulkIndexResult, CountRequest, EventAnalytics, EventStore, ExportPage, ExportPageRequest, IndexableEvent, RejectedEvent, SearchHit, SearchRequest, SearchResult } from '../types';
import { mergeDayCatalogs, type DayCatalog } from './field-catalog';
import { fullTextOf, termsOf } from './fields';
import { Partition, compileForPartition, type PartitionHit, type PreparedEvent } from './partition';
import { storeErrorFrom, unavailable } from './sqlite-errors';
import { DAY_MS, SEQUENCE_SPAN, dayStart, firstKeyOf, keyRange, parseTimeBound, parseTimestamp, partitionDay, timeOfKey, utcDay, windowStart } from './time-key';

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

type DayHit = PartitionHit & { readonly day: string };

/** The part of a day's key range that comes after the cursor's hit in the sort order; undefined when none does. */
function rangeAfter(range: readonly [number, number], start: number, day: string, [time, cursorDay, key]: [number, string, number], ascending: boolean): readonly [number, number] | undefined {
  const first = firstKeyOf(start, time);
  if (ascending) {
    const low = day === cursorDay ? key + 1 : day > cursorDay ? first : first + SEQUENCE_SPAN;
    return Math.max(low, range[0]) <= range[1] ? [Math.max(low, range[0]), range[1]] : undefined;
  }
  const high = day === cursorDay ? key - 1 : day < cursorDay ? first + SEQUENCE_SPAN - 1 : first - 1;
  return range[0] <= Math.min(high, range[1]) ? [range[0], Math.min(high, range[1])] : undefined;
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
export class EmbeddedStore implements EventStore, EventAnalytics {
  readonly directory: string;
  private readonly prefix: string;
  private readonly fileName: RegExp;
  private readonly partitions = new Map<string, Partition>();
  private readonly partitionOptions: { busyTimeoutMs: number; cacheSizeKib: number };
  private directoryMade = false;
  private lockWaitMs = 0;
  private catalogMs = 0;

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

  /** Creates the directory and proves it writable, that SQLite with FTS5 loads, and migrates the days of an earlier schema. */
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
    for (const day of this.listDays()) {
      try {
        this.existingPartition(day);
      } catch (cause) {
        throw new StoreError(
          StoreErrorCodes.setupFailed,
          `The embedded store could not open or migrate ${this.fileOf(day)}: ${(cause as Error).message}. Free disk space or fix the file's permissions; a file of a newer version needs that version.`,
          { cause, retryable: false },
        );
      }
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
        const catalogMs = partition.catalogMs;
        this.lockWaitMs += partition.write(batch, rejected);
        this.catalogMs += partition.catalogMs - catalogMs;
      } catch (cause) {
        throw unavailable(cause, `Writing ${batch.length} events of ${day}`, partition?.file ?? this.fileOf(day));
      }
    }
    return { indexed: events.length - rejected.length, rejected };
  }

  writeLockWaitMs(): number {
    return this.lockWaitMs;
  }

  /** Milliseconds `bulkIndex` spent keeping the field catalog (field-catalog.ts), of all its time: what the catalog costs the writer. */
  fieldCatalogMs(): number {
    return this.catalogMs;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const compiled = compileForPartition(request.query);
    const ascending = request.sort === 'asc';
    const after = request.searchAfter === undefined ? undefined : (decodeCursor(request.searchAfter, ['number', 'string', 'number']) as [number, string, number]);
    // Hits of one millisecond go by day, then by key: a total order, so a cursor names one place.
    const inOrder = (a: DayHit, b: DayHit) => (a.time - b.time || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) || a.key - b.key) * (ascending ? 1 : -1);
    const days = [...this.daysToSearch(request)];
    if (ascending) days.reverse();
    let total = 0;
    let hits: DayHit[] = [];
    for (const { day, partition, range } of days) {
      const countLimit = TOTAL_HITS_LIMIT - total;
      // Once the page is full and this day holds nothing before its last hit, the day only adds to the count.
      const last = request.size > 0 ? hits[request.size - 1] : undefined;
      const edge = timeOfKey(partition.start, ascending ? range[0] : range[1]);
      const pageFull = request.size === 0 || (last !== undefined && (ascending ? last.time < edge : last.time > edge));
      if (pageFull && countLimit <= 0) break;
      try {
        total += partition.count(compiled, range, countLimit);
        const pageRange = pageFull ? undefined : after ? rangeAfter(range, partition.start, day, after, ascending) : range;
        if (pageRange) hits = [...hits, ...partition.newest(compiled, pageRange, request.size, request.sort).map((hit) => ({ ...hit, day }))].sort(inOrder).slice(0, request.size);
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Searching ${day}`, partition.file);
      }
    }
    const last = hits.length === request.size ? hits[hits.length - 1] : undefined;
    return {
      total,
      totalRelation: total >= TOTAL_HITS_LIMIT ? 'gte' : 'eq',
      hits: hits.map((hit) => this.hitOf(hit, hit.day)),
      ...(last ? { next: encodeCursor([last.time, last.day, last.key]) } : {}),
    };
  }

  /**
   * A page of an export: the page `search` would give, without counting the matches of every
   * day (up to 10,000 per page) and without parsing the documents, which the export writes
   * out as they are stored.
   */
  async exportPage(request: ExportPageRequest): Promise<ExportPage> {
    const compiled = compileForPartition(request.query);
    const ascending = request.sort === 'asc';
    const after = request.searchAfter === undefined ? undefined : (decodeCursor(request.searchAfter, ['number', 'string', 'number']) as [number, string, number]);
    const inOrder = (a: DayHit, b: DayHit) => (a.time - b.time || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) || a.key - b.key) * (ascending ? 1 : -1);
    const days = [...this.daysToSearch(request)];
    if (ascending) days.reverse();
    let hits: DayHit[] = [];
    for (const { day, partition, range } of days) {
      const last = hits[request.size - 1];
      const edge = timeOfKey(partition.start, ascending ? range[0] : range[1]);
      // Days' windows overlap, so a later day may still hold hits for this page; one that does not is skipped.
      if (request.size === 0 || (last !== undefined && (ascending ? last.time < edge : last.time > edge))) continue;
      const pageRange = after ? rangeAfter(range, partition.start, day, after, ascending) : range;
      if (!pageRange) continue;
      try {
        const found = partition.newest(compiled, pageRange, request.size, request.sort).map((hit) => ({ ...hit, day }));
        hits = hits.length === 0 ? found : [...hits, ...found].sort(inOrder).slice(0, request.size);
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Exporting from ${day}`, partition.file);
      }
    }
    const last = hits.length === request.size ? hits[hits.length - 1] : undefined;
    return { hits: hits.map((hit) => ({ id: hit.id, json: hit.json })), ...(last ? { next: encodeCursor([last.time, last.day, last.key]) } : {}) };
  }

  async getEvent(id: string): Promise<SearchHit | undefined> {
    for (const day of this.listDays()) {
      let partition: Partition | undefined;
      try {
        partition = this.existingPartition(day);
        const hit = partition?.byId(id);
        if (hit) return this.hitOf(hit, day);
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Reading event ${id} in ${day}`, this.fileOf(day));
      }
    }
    return undefined;
  }

  /** Reads every matching event once and aggregates in this process; see aggregations/accumulate.ts. */
  async aggregate(request: AggregateRequest): Promise<AggregateResult> {
    checkAggregations(request.aggs);
    const compiled = compileForPartition(request.query);
    try {
      return this.aggregateFromRollups(request, compiled) ?? aggregateDays(this.dayRanges(request), compiled, request.aggs);
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, 'Aggregating', this.directory);
    }
  }

  /** The tenant's fields in the whole hours of the range, from the catalog each day keeps (field-catalog.ts). */
  async fields(request: FieldsRequest): Promise<FieldsResult> {
    const { fromHour, toHourEnd, sampleValues } = catalogRange(request);
    const tenant = `s:${request.tenant}`;
    const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
    const clamp = (ms: number) => Math.max(-8.64e15, Math.min(8.64e15, ms));
    const catalogs: DayCatalog[] = [];
    let events = 0;
    for (const { day, partition } of this.daysToSearch({ query: { root: { kind: 'all' } }, from: iso(fromHour), to: iso(toHourEnd) })) {
      try {
        catalogs.push(partition.catalog(tenant, clamp(fromHour), clamp(toHourEnd)));
        for (const hour of partition.rollupHours(clamp(fromHour), clamp(toHourEnd), tenant)) events += hour.events;
      } catch (cause) {
        throw storeErrorFrom(cause, StoreErrorCodes.searchFailed, `Reading the field catalog of ${day}`, partition.file);
      }
    }
    return { events, fields: mergeDayCatalogs(catalogs, sampleValues) };
  }

  private dayRanges(request: CountRequest): DayRange[] {
    return [...this.daysToSearch(request)].map((found) => ({ ...found, index: `${this.prefix}${found.day}` }));
  }

  /**
   * The aggregations read from the hourly rollups (rollup.ts) for the whole hours of the range
   * and from the events for the minutes at its edges; undefined when the rollups cannot give
   * the scan's exact answer: another query than a tenant's (or none), an aggregation that is
   * not a plain terms or hourly histogram, an open range, a day without rollups, a
   * histogram bucket that splits an hour, or an event whose tenant only a scan can read.
   */
  private aggregateFromRollups(request: AggregateRequest, compiled: ReturnType<typeof compileForPartition>): AggregateResult | undefined {
    const scope = rollupScope(request.query);
    if (!scope || !rollupAnswers(request.aggs)) return undefined;
    const from = this.bound(request.from, 'from', Number.NEGATIVE_INFINITY);
    const to = this.bound(request.to, 'to', Number.POSITIVE_INFINITY);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return undefined;
    const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const lastHour = Math.floor((to + 1) / HOUR_MS) * HOUR_MS - HOUR_MS;
    if (lastHour < firstHour) return undefined;
    const days = [...this.daysToSearch(request)];
    if (days.some(({ partition }) => !partition.hasRollups)) return undefined;
    if (scope.tenant !== undefined && days.some(({ partition }) => partition.hasIrregularTenant(firstHour, lastHour))) return undefined;
    const hours = new Map<number, number>();
    for (const { partition } of days) for (const { hour, events } of partition.rollupHours(firstHour, lastHour, scope.tenant)) hours.set(hour, (hours.get(hour) ?? 0) + events);
    const aggs = Object.entries(request.aggs);
    if (aggs.some(([, agg]) => [...hours.keys()].some((hour) => !hourFitsBucket(agg, hour)))) return undefined;
    let total = 0;
    for (const events of hours.values()) total += events;
    const each = aggs.map(([name, agg]) => {
      const accumulator = aggregator({ [name]: agg });
      if (agg.type === 'date_histogram') {
        for (const [hour, events] of hours) accumulator.add(weightedRow(hour, undefined, [], events));
      } else if (agg.type === 'terms') {
        let present = 0;
        for (const { partition } of days) {
          const found = partition.rollupTerms(agg.field, firstHour, lastHour, scope.tenant);
          for (const { value, events } of found.values) accumulator.add(weightedRow(firstHour, agg.field, [value], events));
          present += found.present;
        }
        if (total > present) accumulator.add(weightedRow(firstHour, agg.field, [], total - present));
      }
      return accumulator;
    });
    const all = { add: (row: AggregationRow) => each.forEach((accumulator) => accumulator.add(row)), result: () => Object.assign({}, ...each.map((accumulator) => accumulator.result())) as AggregateResult['aggs'] };
    // The minutes before the first whole hour and after the last: read from the events.
    const edges = [
      [from, firstHour - 1],
      [lastHour + HOUR_MS, to],
    ].filter(([start, end]) => start! <= end!);
    for (const [start, end] of edges) {
      total += aggregateDays(this.dayRanges({ query: request.query, from: new Date(start!).toISOString(), to: new Date(end!).toISOString() }), compiled, request.aggs, all).total;
    }
    return { total, aggs: all.result() };
  }

  private hitOf(hit: PartitionHit, day: string): SearchHit {
    return { id: hit.id, index: `${this.prefix}${day}`, event: JSON.parse(hit.json) };
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
    return { day: partitionDay(event.timestamp, time), event: { id, time, json, text: fullTextOf(event.document), terms: termsOf(event.document), document: event.document } };
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
