/**
 * The edge pipelines at run time: per input, a list of stages (drop, sample,
 * aggregate) applied to records before they are batched for the bus, so a
 * site ships less over its link. Nothing disappears unseen: every interval
 * the counts of what each input received, passed, dropped, sampled out and
 * aggregated leave as a summary record (`event.module:siem_edge
 * event.action:summary`, counts under `json.edge.*` once parsed), and each
 * aggregate key as a record carrying its count (`event.action:aggregate`,
 * `json.edge.count`); both are JSON lines that the processor's auto and json
 * parsers read.
 */
import { createParser, type Parser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import type { AggregateStage, EdgePipelinesConfig, EdgeStage, InputPipeline } from './edge-config';
import { compileEventQuery, queryFields, type EventPredicate, type RecordView } from './event-query';

/** event.module of the records the edge itself makes. */
export const EDGE_MODULE = 'siem_edge';

/** The input name of the records the edge itself makes. */
export const EDGE_SUMMARY_INPUT = 'edge';

export interface EdgeObserver {
  /** The agent or collector id (observer.name). */
  readonly name: string;
  readonly hostname: string;
  /** `collector` or `agent` (observer.type). */
  readonly type: string;
}

export interface EdgeCounts {
  received: number;
  passed: number;
  dropped: number;
  sampledOut: number;
  aggregated: number;
}

const zeroCounts = (): EdgeCounts => ({ received: 0, passed: 0, dropped: 0, sampledOut: 0, aggregated: 0 });

interface Bucket {
  readonly values: readonly (readonly unknown[])[];
  count: number;
}

interface AggregateRuntime {
  readonly kind: 'aggregate';
  readonly stage: AggregateStage;
  readonly when?: EventPredicate;
  /** Window start (ms) → key → bucket. */
  readonly windows: Map<number, Map<string, Bucket>>;
}

type StageRuntime =
  | { readonly kind: 'drop'; readonly when: EventPredicate }
  | { readonly kind: 'sample'; readonly rate: number; readonly key?: readonly string[]; readonly when?: EventPredicate; seen: number }
  | AggregateRuntime;

interface InputRuntime {
  readonly input: string;
  readonly parser?: Parser;
  readonly stages: readonly StageRuntime[];
  /** Since the last summary. */
  counts: EdgeCounts;
  /** Since the start, summaries shipped included. */
  readonly totals: EdgeCounts;
}

const OTHER_KEY = '(other)';

/** FNV-1a over the key's text: stable across processes, so two agents sample the same keys. */
function hashKey(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function valuesAt(event: unknown, field: string): unknown[] {
  if (event === null || typeof event !== 'object') return [];
  const record = event as Record<string, unknown>;
  if (field in record) return flatten(record[field]);
  const dot = field.indexOf('.');
  // Dotted names are nested objects in parsed events; a flat key with dots is found above.
  for (let at = dot; at !== -1; at = field.indexOf('.', at + 1)) {
    const head = record[field.slice(0, at)];
    if (head !== undefined) {
      const found = valuesAt(head, field.slice(at + 1));
      if (found.length > 0) return found;
    }
  }
  return [];
}

const flatten = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value.flatMap(flatten) : [value]);

function needsParsing(pipeline: InputPipeline): boolean {
  const fields = pipeline.stages.flatMap((stage) => [...(stage.query ? queryFields(stage.query) : []), ...(stage.type === 'sample' ? (stage.key ?? []) : []), ...(stage.type === 'aggregate' ? stage.by : [])]);
  return fields.some((field) => field !== 'raw');
}

function stageRuntime(stage: EdgeStage): StageRuntime {
  const when = stage.query === undefined ? undefined : compileEventQuery(stage.query);
  switch (stage.type) {
    case 'drop':
      return { kind: 'drop', when: when! };
    case 'sample':
      return { kind: 'sample', rate: stage.rate, key: stage.key, when, seen: 0 };
    case 'aggregate':
      return { kind: 'aggregate', stage, when, windows: new Map() };
  }
}

/** Builds the runtime of a configuration checked by parseEdgeConfig. */
export class EdgePipelines {
  private readonly runtimes = new Map<string, InputRuntime | null>();
  private lastSummaryAt: number;

  constructor(
    readonly config: EdgePipelinesConfig,
    private readonly observer: EdgeObserver,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSummaryAt = now();
  }

  /** True when no input has a stage: the collector can skip the pipelines entirely. */
  get isEmpty(): boolean {
    return Object.values(this.config.inputs).every((pipeline) => pipeline.stages.length === 0);
  }

  private runtimeOf(input: string): InputRuntime | null {
    let runtime = this.runtimes.get(input);
    if (runtime !== undefined) return runtime;
    const pipeline = this.config.inputs[input] ?? this.config.inputs['*'];
    runtime =
      input === EDGE_SUMMARY_INPUT || pipeline === undefined || pipeline.stages.length === 0
        ? null
        : { input, stages: pipeline.stages.map(stageRuntime), counts: zeroCounts(), totals: zeroCounts(), ...(needsParsing(pipeline) && { parser: createParser(pipeline.parser) }) };
    this.runtimes.set(input, runtime);
    return runtime;
  }

  /** The records to ship, in order; the rest are counted (and aggregated). Never throws on a record. */
  process(records: readonly RawRecord[]): RawRecord[] {
    const kept: RawRecord[] = [];
    for (const record of records) {
      const runtime = this.runtimeOf(record.input);
      if (runtime === null) {
        kept.push(record);
        continue;
      }
      runtime.counts.received++;
      if (this.passes(runtime, record)) {
        runtime.counts.passed++;
        kept.push(record);
      }
    }
    return kept;
  }

  private passes(runtime: InputRuntime, record: RawRecord): boolean {
    const raw = record.payload.toString('utf8');
    let parsed: unknown;
    let parsedOnce = false;
    const view: RecordView = {
      raw,
      lookup: (field) => {
        if (field === 'raw') return [raw];
        if (!parsedOnce) {
          parsedOnce = true;
          const result = runtime.parser?.parse(record);
          parsed = result?.ok ? result.event : undefined;
        }
        return valuesAt(parsed, field);
      },
    };
    for (const stage of runtime.stages) {
      if (stage.kind === 'drop') {
        if (stage.when(view)) {
          runtime.counts.dropped++;
          return false;
        }
      } else if (stage.kind === 'sample') {
        if (stage.when && !stage.when(view)) continue;
        const keep = stage.key ? hashKey(stage.key.map((field) => view.lookup(field).join(',')).join('\u0000')) % stage.rate === 0 : stage.seen++ % stage.rate === 0;
        if (!keep) {
          runtime.counts.sampledOut++;
          return false;
        }
      } else {
        if (stage.when && !stage.when(view)) continue;
        this.count(stage, stage.stage.by.map((field) => view.lookup(field)));
        runtime.counts.aggregated++;
        return false;
      }
    }
    return true;
  }

  private count(stage: AggregateRuntime, values: readonly (readonly unknown[])[]): void {
    const intervalMs = stage.stage.intervalS * 1000;
    const windowStart = Math.floor(this.now() / intervalMs) * intervalMs;
    let window = stage.windows.get(windowStart);
    if (!window) stage.windows.set(windowStart, (window = new Map()));
    let key = JSON.stringify(values);
    let bucket = window.get(key);
    if (!bucket && window.size >= stage.stage.maxKeys) {
      key = OTHER_KEY;
      bucket = window.get(key);
      values = stage.stage.by.map(() => [OTHER_KEY]);
    }
    if (!bucket) window.set(key, (bucket = { values, count: 0 }));
    bucket.count++;
  }

  /**
   * The records the edge owes the centre now: one per aggregate key of every
   * closed interval, and, once per summary interval (or when `final`), the
   * counts of each input since the last summary. `final` also closes the open
   * aggregation windows (at shutdown or a configuration change).
   */
  drain(final = false): RawRecord[] {
    const now = this.now();
    const out: RawRecord[] = [];
    for (const runtime of this.runtimes.values()) {
      if (runtime === null) continue;
      for (const stage of runtime.stages) {
        if (stage.kind !== 'aggregate') continue;
        const intervalMs = stage.stage.intervalS * 1000;
        for (const [start, window] of stage.windows) {
          if (!final && start + intervalMs > now) continue;
          for (const bucket of window.values()) out.push(this.aggregateRecord(runtime.input, stage.stage, start, Math.min(start + intervalMs, now), bucket));
          stage.windows.delete(start);
        }
      }
    }
    if (final || now - this.lastSummaryAt >= this.config.summaryIntervalS * 1000) {
      for (const runtime of this.runtimes.values()) {
        if (runtime === null || runtime.counts.received === 0) continue;
        out.push(this.summaryRecord(runtime.input, runtime.counts, this.lastSummaryAt, now));
        for (const name of Object.keys(runtime.totals) as (keyof EdgeCounts)[]) runtime.totals[name] += runtime.counts[name];
        runtime.counts = zeroCounts();
      }
      this.lastSummaryAt = now;
    }
    return out;
  }

  /** Counts since the last summary, per input with a pipeline. */
  counts(): Record<string, EdgeCounts> {
    const result: Record<string, EdgeCounts> = {};
    for (const runtime of this.runtimes.values()) if (runtime !== null) result[runtime.input] = { ...runtime.counts };
    return result;
  }

  /** Counts since these pipelines started, per input with a pipeline (for monotonic metrics). */
  totals(): Record<string, EdgeCounts> {
    const result: Record<string, EdgeCounts> = {};
    for (const runtime of this.runtimes.values()) {
      if (runtime === null) continue;
      const total = { ...runtime.totals };
      for (const name of Object.keys(total) as (keyof EdgeCounts)[]) total[name] += runtime.counts[name];
      result[runtime.input] = total;
    }
    return result;
  }

  private record(document: Record<string, unknown>, at: number): RawRecord {
    return { payload: Buffer.from(JSON.stringify(document)), receivedAt: new Date(at).toISOString(), input: EDGE_SUMMARY_INPUT };
  }

  private observerFields() {
    return { name: this.observer.name, hostname: this.observer.hostname, type: this.observer.type };
  }

  private aggregateRecord(input: string, stage: AggregateStage, start: number, end: number, bucket: Bucket): RawRecord {
    const document: Record<string, unknown> = {};
    const key: string[] = [];
    stage.by.forEach((field, index) => {
      const values = bucket.values[index] ?? [];
      const value = values.length === 0 ? null : values.length === 1 ? values[0] : values;
      key.push(`${field}=${values.join(',')}`);
      setPath(document, field, value);
    });
    Object.assign(document, {
      '@timestamp': new Date(start).toISOString(),
      message: `${bucket.count} events of ${input} with ${key.join(' ')} aggregated at the edge by ${this.observer.name}`,
      event: { ...(document.event as object | undefined), kind: 'metric', module: EDGE_MODULE, action: 'aggregate', start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      observer: this.observerFields(),
      labels: { edge_input: input, edge_config_version: this.config.version },
      edge: { input, count: bucket.count, interval_s: stage.intervalS, key: key.join(' ') },
    });
    return this.record(document, end);
  }

  private summaryRecord(input: string, counts: EdgeCounts, start: number, end: number): RawRecord {
    return this.record(
      {
        '@timestamp': new Date(end).toISOString(),
        message: `edge pipeline of ${input} on ${this.observer.name}: ${counts.received} received, ${counts.passed} passed, ${counts.dropped} dropped, ${counts.sampledOut} sampled out, ${counts.aggregated} aggregated`,
        event: { kind: 'metric', module: EDGE_MODULE, action: 'summary', start: new Date(start).toISOString(), end: new Date(end).toISOString() },
        observer: this.observerFields(),
        labels: { edge_input: input, edge_config_version: this.config.version },
        edge: { input, received: counts.received, passed: counts.passed, dropped: counts.dropped, sampled_out: counts.sampledOut, aggregated: counts.aggregated },
      },
      end,
    );
  }
}

/** Sets `a.b.c` in a nested object, keeping what is there. */
function setPath(target: Record<string, unknown>, field: string, value: unknown): void {
  const parts = field.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (node[part] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
