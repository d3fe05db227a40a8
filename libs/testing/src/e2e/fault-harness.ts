/**
 * What every fault case shares: a steady stream of numbered events (one in MATCH_EVERY a Sysmon
 * process creation that the whoami rule matches), the count of what the senders had acknowledged,
 * the check that each acknowledged event is stored exactly once and each expected alert exists
 * exactly once, and the report row in benchmarks/results/faults.md.
 *
 * SIEM_FAULTS_LONG=1 runs the long form of each case (more events, more repetitions of the fault).
 */
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka, ensureKafkaTopics, KafkaBusProducer } from '@siem/bus';
import { validateRule } from '@siem/rules';
import Database from 'better-sqlite3';
import { EmbeddedDetectionStore, OpenSearchDetectionStore, type RuleDocument } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { countDocuments } from './opensearch-http';

export const FAULTS_LONG = process.env.SIEM_FAULTS_LONG === '1';

/** The short value in the normal suite, the long one under SIEM_FAULTS_LONG=1. */
export function faultScale<T>(short: T, long: T): T {
  return FAULTS_LONG ? long : short;
}

export const MATCH_EVERY = 10;
export const WHOAMI_RULE_ID = '9d1c2b3d-0000-4000-8000-00000000fa17';

/**
 * Event `seq` of a run: a plain JSON event, or every MATCH_EVERY-th a Sysmon event 1 as Winlogbeat
 * ships it (field names from Microsoft's Sysmon documentation) that the whoami rule matches.
 */
export function faultEvent(runId: string, seq: number): Record<string, unknown> {
  const host = `fault-${runId}-${seq % 5}`;
  if (seq % MATCH_EVERY === 0) {
    return {
      '@timestamp': new Date().toISOString(),
      event: { sequence: seq },
      winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, computer_name: host, event_data: { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: `whoami /all ${seq}` } },
    };
  }
  return { message: `fault event ${seq}`, event: { sequence: seq }, host: { name: host } };
}

/** Stores the whoami rule of the fault cases in the run's detection index (or the embedded store's, given a data directory), before the processor starts. */
export async function saveFaultRule(opensearchUrl: string, indexPrefix: string): Promise<void>;
export async function saveFaultRule(embedded: { dataDir: string }): Promise<void>;
export async function saveFaultRule(target: string | { dataDir: string }, indexPrefix?: string): Promise<void> {
  const detection = typeof target === 'string' ? new OpenSearchDetectionStore({ url: target, indexPrefix: indexPrefix!, replicas: 0 }) : new EmbeddedDetectionStore({ dataDir: target.dataDir });
  await detection.ensureReady();
  const rule = validateRule({
    id: WHOAMI_RULE_ID,
    title: 'Whoami run (fault suite)',
    level: 'low',
    tags: ['attack.discovery', 'attack.t1033'],
    logsource: { product: 'windows', category: 'process_creation' },
    detection: { selection: { 'Image|endswith': '\\whoami.exe' }, condition: 'selection' },
  });
  await detection.saveRules([rule as unknown as RuleDocument]);
  await detection.close();
}

/** Sends a batch of events; resolves true when the receiver acknowledged it (a 2xx, a produce with acks). */
export type FaultSink = (events: readonly Record<string, unknown>[]) => Promise<boolean>;

/**
 * NDJSON to the collector's HTTP ingest: a 200 is the acknowledgement the product guarantees.
 * `refusals` counts the other answers by status (or `no answer`).
 */
export function httpIngestSink(port: number, refusals = new Map<string, number>()): FaultSink {
  const refused = (status: string) => refusals.set(status, (refusals.get(status) ?? 0) + 1);
  return async (events) => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: events.map((event) => JSON.stringify(event)).join('\n') });
      await response.arrayBuffer();
      if (response.status !== 200) refused(`HTTP ${response.status}${response.headers.get('retry-after') ? ` (Retry-After ${response.headers.get('retry-after')})` : ''}`);
      return response.status === 200;
    } catch {
      refused('no answer');
      return false;
    }
  };
}

/**
 * Produces straight to the raw topic (two partitions, created here), as a collector does: a send
 * that resolved is acknowledged by every in-sync replica. For cases about the processor alone.
 */
export async function kafkaSink(brokers: string, topic: string): Promise<{ sink: FaultSink; close: () => Promise<void> }> {
  const kafka = createKafka({ brokers: [brokers], clientId: 'siem-fault-sender', logger: createLogger('fault-sender', 'silent') });
  await ensureKafkaTopics(kafka, [{ topic, partitions: 2, replicationFactor: 1 }]);
  const producer = new KafkaBusProducer(kafka);
  await producer.connect();
  return {
    sink: async (events) => {
      try {
        await producer.send(
          topic,
          events.map((event) => ({ key: String((event.event as { sequence: number }).sequence % 7), value: Buffer.from(JSON.stringify(event)) })),
        );
        return true;
      } catch {
        return false;
      }
    },
    close: () => producer.disconnect(),
  };
}

export interface StreamOptions {
  readonly runId: string;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly batch: number;
}

/**
 * Sends `total` events at a steady rate, one batch at a time, and remembers which sequence numbers
 * were acknowledged. A refused batch is not sent again: what a sender was not told is kept may be
 * stored at most once, and does not count as lost.
 */
export class SteadyStream {
  readonly acknowledged: number[] = [];
  readonly refused: number[] = [];
  private readonly done: Promise<void>;
  private stopped = false;

  constructor(
    private readonly sink: FaultSink,
    private readonly options: StreamOptions,
  ) {
    this.done = this.loop();
  }

  get sent(): number {
    return this.acknowledged.length + this.refused.length;
  }

  /** Acknowledged events the whoami rule matches: the fewest alerts to expect. */
  get expectedAlerts(): number {
    return this.acknowledged.filter((seq) => seq % MATCH_EVERY === 0).length;
  }

  private async loop(): Promise<void> {
    const started = Date.now();
    let next = 0;
    while (next < this.options.total && !this.stopped) {
      const due = Math.min(this.options.total, Math.floor(((Date.now() - started) / 1000) * this.options.eventsPerSecond));
      if (next >= due) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const seqs = Array.from({ length: Math.min(this.options.batch, this.options.total - next) }, (_, i) => next + i);
      next += seqs.length;
      const ok = await this.sink(seqs.map((seq) => faultEvent(this.options.runId, seq)));
      (ok ? this.acknowledged : this.refused).push(...seqs);
    }
  }

  /** Resolves once every event was sent (or `stop` was called) and answered. */
  finished(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

/** Every stored event's sequence number and id, paged with search_after on `_id`-independent doc values. */
async function storedSequences(opensearchUrl: string, indexPattern: string): Promise<{ ids: string[]; seqs: number[] }> {
  const ids: string[] = [];
  const seqs: number[] = [];
  let after: unknown[] | undefined;
  for (;;) {
    const response = await fetch(`${opensearchUrl}/${indexPattern}/_search?ignore_unavailable=true&allow_no_indices=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 10_000, _source: false, docvalue_fields: ['event.sequence'], sort: [{ 'event.sequence': 'asc' }, { '@timestamp': 'asc' }], ...(after ? { search_after: after } : {}) }),
    });
    const body = (await response.json()) as { hits?: { hits: { _id: string; fields?: Record<string, number[]>; sort: unknown[] }[] } };
    const hits = body.hits?.hits ?? [];
    if (hits.length === 0) return { ids, seqs };
    for (const hit of hits) {
      ids.push(hit._id);
      seqs.push(hit.fields?.['event.sequence']?.[0] ?? -1);
    }
    after = hits[hits.length - 1]!.sort;
  }
}

export interface FaultCounts {
  readonly sent: number;
  readonly acknowledged: number;
  readonly stored: number;
  /** Acknowledged events not stored. */
  readonly lost: number;
  /** Stored documents beyond the first of the same event, and ids stored twice. */
  readonly duplicated: number;
  readonly alertsExpected: number;
  readonly alertsFound: number;
}

/** Waits until every acknowledged event is indexed (or `timeoutMs` passed), then counts by sequence number and by id. */
export async function settleAndCount(opensearchUrl: string, indexPrefix: string, stream: SteadyStream, timeoutMs = 120_000): Promise<FaultCounts> {
  const events = `${indexPrefix}*`;
  const alerts = `${indexPrefix.replace(/-$/, '')}.alerts`;
  const deadline = Date.now() + timeoutMs;
  const target = stream.acknowledged.length;
  while (Date.now() < deadline && (await countDocuments(opensearchUrl, events)) < target) await new Promise((resolve) => setTimeout(resolve, 1_000));
  while (Date.now() < deadline && (await countDocuments(opensearchUrl, alerts)) < stream.expectedAlerts) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const { ids, seqs } = await storedSequences(opensearchUrl, events);
  let counts = countsOf(stream, ids, seqs, await countDocuments(opensearchUrl, alerts));
  // Alerts of stored but unacknowledged events may still be on their way.
  while (Date.now() < deadline && counts.alertsFound < counts.alertsExpected) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counts = { ...counts, alertsFound: await countDocuments(opensearchUrl, alerts) };
  }
  return counts;
}

/** The embedded store's counts, read from its SQLite files (one per day, and detection.sqlite for alerts) while the apps run. */
function countEmbedded(dataDir: string): { ids: string[]; seqs: number[]; alerts: number } {
  const directory = path.join(dataDir, 'store');
  const ids: string[] = [];
  const seqs: number[] = [];
  let alerts = 0;
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.sqlite')) continue;
    const db = new Database(path.join(directory, file), { readonly: true, fileMustExist: true });
    try {
      if (file === 'detection.sqlite') {
        alerts = (db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n;
        continue;
      }
      const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
      if (!hasEvents) continue;
      for (const row of db.prepare("SELECT id, json_extract(doc, '$.event.sequence') AS seq FROM events").iterate() as Iterable<{ id: string; seq: number | null }>) {
        ids.push(row.id);
        seqs.push(row.seq ?? -1);
      }
    } finally {
      db.close();
    }
  }
  return { ids, seqs, alerts };
}

/** `settleAndCount` for the embedded default: the same counts, from the store's files. */
export async function settleAndCountEmbedded(dataDir: string, stream: SteadyStream, timeoutMs = 120_000): Promise<FaultCounts> {
  const deadline = Date.now() + timeoutMs;
  let counted = countEmbedded(dataDir);
  while (Date.now() < deadline && (counted.ids.length < stream.acknowledged.length || counted.alerts < stream.expectedAlerts)) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counted = countEmbedded(dataDir);
  }
  return countsOf(stream, counted.ids, counted.seqs, counted.alerts);
}

/**
 * Lost and duplicated from what was stored. An event whose request was cut short (the collector
 * killed before it answered) may be stored without an acknowledgement: it is not lost if missing,
 * and its alert is expected once it is stored.
 */
function countsOf(stream: SteadyStream, ids: readonly string[], seqs: readonly number[], alertsFound: number): FaultCounts {
  const stored = new Set(seqs);
  return {
    sent: stream.sent,
    acknowledged: stream.acknowledged.length,
    stored: ids.length,
    lost: stream.acknowledged.filter((seq) => !stored.has(seq)).length,
    duplicated: seqs.length - stored.size + (ids.length - new Set(ids).size),
    alertsExpected: [...stored].filter((seq) => seq >= 0 && seq % MATCH_EVERY === 0).length,
    alertsFound,
  };
}

export interface FaultReportRow extends FaultCounts {
  readonly fault: string;
  readonly deployment: 'cluster' | 'embedded';
  readonly seconds: number;
  readonly notes: string;
}

const RESULTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../benchmarks/results/faults.md');
const HEADER = '| fault | deployment | form | events sent | acknowledged | stored | lost | duplicated | alerts expected | alerts found | seconds | load average | notes |';

/**
 * Prints the case's row and writes it into benchmarks/results/faults.md, replacing the row of the
 * same fault, deployment and form from an earlier run (each case runs in its own test file).
 */
export async function reportFault(row: FaultReportRow): Promise<void> {
  const form = FAULTS_LONG ? 'long' : 'short';
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  const cells = [row.fault, row.deployment, form, row.sent, row.acknowledged, row.stored, row.lost, row.duplicated, row.alertsExpected, row.alertsFound, row.seconds.toFixed(0), load, row.notes];
  const line = `| ${cells.join(' | ')} |`;
  process.stdout.write(`[faults] ${line}\n`);
  const existing = await readFile(RESULTS, 'utf8').catch(() => '');
  const rows = existing
    .split('\n')
    .filter((l) => l.startsWith('| ') && l !== HEADER && !l.startsWith('|---'))
    .filter((l) => {
      const [fault, deployment, rowForm] = l.slice(2).split(' | ');
      return !(fault === row.fault && deployment === row.deployment && rowForm === form);
    });
  rows.push(line);
  const text = [
    '# Fault suite',
    '',
    'Written by `npm run test:faults` (`libs/testing/src/e2e/*.fault.test.ts`); the short form runs in `npm test`, the long one under `SIEM_FAULTS_LONG=1`.',
    'Each case sends a steady stream of numbered events, one in ten matched by a detection rule, breaks the system on purpose, and counts by sequence number and by document id:',
    'lost = acknowledged events not stored, duplicated = extra documents of one event. The load average is the machine’s (1, 5, 15 min) when the case ended; it is shared with other work.',
    '',
    HEADER,
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows,
    '',
  ].join('\n');
  await writeFile(RESULTS, text);
}
