/**
 * Proves: the analyst reads (a filter over 6 h, free text, AND/OR, top source.ip over 24 h,
 * an hourly histogram over 7 days, and an export paged by search_after) answer on both
 * stores, with their p50/p95; the peer is the same request written by hand as OpenSearch
 * DSL and sent straight to OpenSearch, measured in the same run, so the ratio is what our
 * OpenSearch path (query compiler, aggregation translation, response reading) costs.
 * Each run asks the embedded store, our OpenSearch store and the peer in turn (the order rotating),
 * so none of them reads a day whose caches another one warmed alone.
 * Export: a day's events as NDJSON lines by exportPage (what POST /export's read worker does),
 * rows/s and the peak RSS of this process; peers: the hand-written search_after request with
 * the same page size, and a raw SQLite iteration of the day's files.
 *
 *   node --import tsx benchmarks/store/analyst.bench.ts [--events=200000] [--runs=15]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@opensearch-project/opensearch';
import { ensureInfra } from '@siem/infra';
import { parseQuery } from '@siem/query';
import { EmbeddedStore, OpenSearchStore, type Aggregation, type EventAnalytics, type EventStore, type IndexableEvent } from '@siem/store';
import { EXPORT_PAGE_SIZE, exportLines } from '../../apps/api/src/routes/analyst/export-rows';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const EVENTS = arg('events', 200_000);
const RUNS = arg('runs', 15);
const BATCH = 2_000;
const START = Date.UTC(2026, 10, 1);
const SPAN_MS = 10 * 24 * 3_600_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function makeEvent(i: number): IndexableEvent {
  const timestamp = iso(START + Math.floor((i / EVENTS) * SPAN_MS));
  return {
    id: `bench-${i}`,
    timestamp,
    document: {
      '@timestamp': timestamp,
      message: `Failed password for user${i % 5000} from 203.0.${(i >> 8) % 256}.${i % 256} port ${1024 + (i % 60000)} ssh2`,
      host: { name: `host-${i % 500}` },
      user: { name: `user${i % 5000}` },
      source: { ip: `203.0.${(i >> 8) % 64}.${i % 256}` },
      event: { dataset: 'linux_auth', outcome: i % 3 === 0 ? 'success' : 'failure' },
    },
  };
}

type Store = EventStore & EventAnalytics;

interface Case {
  readonly name: string;
  /** Our store call for run `r`. */
  readonly ours: (store: Store, r: number) => Promise<unknown>;
  /** The same request as hand-written DSL (the peer). */
  readonly dsl: (r: number) => Record<string, unknown>;
}

const window6h = (r: number) => START + ((r * 7919) % 9) * 24 * HOUR + (r % 18) * HOUR;
const day = (r: number) => START + (r % 9) * 24 * HOUR;
const range = (from: number, to: number) => ({ range: { '@timestamp': { gte: iso(from), lte: iso(to) } } });

const CASES: Case[] = [
  {
    name: 'host.name filter + 6 h, 50 hits',
    ours: (store, r) => store.search({ query: parseQuery(`host.name:host-${(r * 37) % 500}`), from: iso(window6h(r)), to: iso(window6h(r) + 6 * HOUR), size: 50 }),
    dsl: (r) => ({ query: { bool: { filter: [{ term: { 'host.name': `host-${(r * 37) % 500}` } }, range(window6h(r), window6h(r) + 6 * HOUR)] } }, sort: [{ '@timestamp': 'desc' }], size: 50, track_total_hits: 10_000 }),
  },
  {
    name: 'free text, 50 hits',
    ours: (store, r) => store.search({ query: parseQuery(`password user${(r * 13) % 5000}`), size: 50 }),
    dsl: (r) => ({ query: { bool: { must: [{ match: { message: 'password' } }, { match: { message: `user${(r * 13) % 5000}` } }] } }, sort: [{ '@timestamp': 'desc' }], size: 50, track_total_hits: 10_000 }),
  },
  {
    name: 'AND/OR + 24 h, 50 hits',
    ours: (store, r) => store.search({ query: parseQuery(`(user.name:user${r} OR user.name:user${r + 1}) AND event.outcome:failure`), from: iso(day(r)), to: iso(day(r) + 24 * HOUR), size: 50 }),
    dsl: (r) => ({
      query: { bool: { filter: [{ bool: { should: [{ term: { 'user.name': `user${r}` } }, { term: { 'user.name': `user${r + 1}` } }], minimum_should_match: 1 } }, { term: { 'event.outcome': 'failure' } }, range(day(r), day(r) + 24 * HOUR)] } },
      sort: [{ '@timestamp': 'desc' }],
      size: 50,
      track_total_hits: 10_000,
    }),
  },
  {
    name: 'terms source.ip top 10, 24 h',
    ours: (store, r) => store.aggregate({ query: parseQuery(''), from: iso(day(r)), to: iso(day(r) + 24 * HOUR), aggs: { top: { type: 'terms', field: 'source.ip', size: 10 } } }),
    dsl: (r) => ({ query: { bool: { filter: [range(day(r), day(r) + 24 * HOUR)] } }, size: 0, track_total_hits: true, aggs: { top: { terms: { field: 'source.ip', size: 10 } } } }),
  },
  {
    name: 'date histogram 1 h over 7 d',
    ours: (store, r) => store.aggregate({ query: parseQuery(''), from: iso(START + (r % 3) * 24 * HOUR), to: iso(START + (r % 3) * 24 * HOUR + 7 * 24 * HOUR), aggs: { h: { type: 'date_histogram', interval: '1h' } as Aggregation } }),
    dsl: (r) => ({ query: { bool: { filter: [range(START + (r % 3) * 24 * HOUR, START + (r % 3) * 24 * HOUR + 7 * 24 * HOUR)] } }, size: 0, track_total_hits: true, aggs: { h: { date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 0 } } } }),
  },
];

async function load(store: EventStore): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const result = await store.bulkIndex(Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, k) => makeEvent(i + k)));
    if (result.rejected.length) throw new Error(`rejected: ${JSON.stringify(result.rejected[0])}`);
  }
  return Math.round(EVENTS / ((Date.now() - started) / 1000));
}

/** p50/p95 of each reader, asked in turn per run (the first one rotating), after each has read every run's data once. */
async function timedTogether(readers: readonly ((r: number) => Promise<unknown>)[]): Promise<{ p50: number; p95: number }[]> {
  for (let r = 0; r < RUNS; r++) for (const run of readers) await run(r);
  const timings = readers.map((): number[] => []);
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < readers.length; k++) {
      const which = (r + k) % readers.length;
      const started = process.hrtime.bigint();
      await readers[which]!(r);
      timings[which]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return timings.map((list) => {
    list.sort((a, b) => a - b);
    const at = (p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
    return { p50: at(50), p95: at(95) };
  });
}

/** Reads one day page by page: rows/s and the peak RSS meanwhile. */
async function exportDay(page: (searchAfter: string | undefined) => Promise<{ rows: number; next?: string }>): Promise<{ rowsPerSecond: number; rows: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = Date.now();
  let rows = 0;
  let searchAfter: string | undefined;
  do {
    const result = await page(searchAfter);
    rows += result.rows;
    searchAfter = result.next;
  } while (searchAfter);
  clearInterval(sampler);
  return { rowsPerSecond: Math.round(rows / ((Date.now() - started) / 1000)), rows, peakRssMb: Math.round(Math.max(peak, process.memoryUsage.rss()) / 1_048_576) };
}

type Timing = { p50: number; p95: number };
const fmt = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-analyst-bench-'));
const infra = await ensureInfra();
const indexPrefix = `siem-bench-${randomBytes(3).toString('hex')}-`;
const client = new Client({ node: infra.opensearchUrl });
const rows: string[] = [];
const exports: string[] = [];
const loadBefore = loadavg()[0]!.toFixed(1);
let loadRates: number[] = [];
try {
  const embedded = new EmbeddedStore({ dataDir });
  await embedded.ensureReady();
  const opensearch = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix, replicas: 0 });
  await opensearch.ensureReady();
  loadRates = [await load(embedded), await load(opensearch)];
  await fetch(`${infra.opensearchUrl}/${indexPrefix}*/_refresh`, { method: 'POST' });
  process.stdout.write(`loaded ${EVENTS} events: embedded ${loadRates[0]}/s, OpenSearch ${loadRates[1]}/s\n`);
  for (const c of CASES) {
    const [e, o, peer] = (await timedTogether([(r) => c.ours(embedded, r), (r) => c.ours(opensearch, r), (r) => client.search({ index: `${indexPrefix}*`, body: c.dsl(r) as never })])) as [Timing, Timing, Timing];
    rows.push(`| ${c.name} | ${fmt(e)} | ${fmt(o)} | ${fmt(peer)} | ${(o.p50 / peer.p50).toFixed(2)} | ${(e.p50 / peer.p50).toFixed(2)} |`);
    process.stdout.write(`${rows.at(-1)}\n`);
  }
  const all = parseQuery('');
  const dayRange = { from: iso(START + 2 * 24 * HOUR), to: iso(START + 3 * 24 * HOUR - 1) };
  for (const [name, store] of [['embedded exportPage + NDJSON lines', embedded], ['OpenSearchStore exportPage + NDJSON lines', opensearch]] as const) {
    const result = await exportDay(async (searchAfter) => {
      const page = await store.exportPage({ query: all, ...dayRange, size: EXPORT_PAGE_SIZE, searchAfter });
      exportLines(page.hits, 'ndjson');
      return { rows: page.hits.length, next: page.next };
    });
    exports.push(`| ${name} | ${result.rows} | ${result.rowsPerSecond} | ${result.peakRssMb} |`);
  }
  const peerExport = await exportDay(async (searchAfter) => {
    const response = await client.search({
      index: `${indexPrefix}*`,
      filter_path: 'hits.hits._id,hits.hits._source,hits.hits.sort',
      body: { query: { bool: { filter: [range(Date.parse(dayRange.from), Date.parse(dayRange.to))] } }, sort: [{ '@timestamp': 'desc' }, { _id: 'desc' }], size: EXPORT_PAGE_SIZE, track_total_hits: false, ...(searchAfter ? { search_after: JSON.parse(searchAfter) } : {}) } as never,
    });
    const hits = (response.body as { hits?: { hits?: { _source: unknown; sort: unknown }[] } }).hits?.hits ?? [];
    for (const hit of hits) JSON.stringify(hit._source);
    return { rows: hits.length, next: hits.length === EXPORT_PAGE_SIZE ? JSON.stringify(hits[hits.length - 1]!.sort) : undefined };
  });
  exports.push(`| OpenSearch hand-written search_after (peer) | ${peerExport.rows} | ${peerExport.rowsPerSecond} | ${peerExport.peakRssMb} |`);
  // The embedded peer: every stored document of the day's file (the bench's times are UTC, so the day's events are all there), iterated straight from SQLite.
  const rawExport = await exportDay(async () => {
    let count = 0;
    const [low, high] = [Date.parse(dayRange.from), Date.parse(dayRange.to)];
    const dayTag = `${dayRange.from.slice(0, 10).replaceAll('-', '.')}.sqlite`;
    for (const file of readdirSync(embedded.directory).filter((name) => name.endsWith(dayTag))) {
      const db = new Database(path.join(embedded.directory, file), { readonly: true });
      for (const row of db.prepare('SELECT doc FROM events ORDER BY time_key DESC').iterate() as Iterable<{ doc: string }>) {
        const time = Date.parse(row.doc.slice(15, 39));
        if (time >= low && time <= high) count++;
      }
      db.close();
    }
    return { rows: count };
  });
  exports.push(`| raw SQLite iteration of the day's file (embedded peer) | ${rawExport.rows} | ${rawExport.rowsPerSecond} | ${rawExport.peakRssMb} |`);
  await embedded.close();
  await opensearch.close();
} finally {
  await fetch(`${infra.opensearchUrl}/${indexPrefix}*`, { method: 'DELETE' });
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const table = [
  `${EVENTS} events over 10 days (500 hosts, 5,000 users, 16,384 source addresses), ${RUNS} runs per case after each reader has read every run once; p50 / p95 in ms.`,
  'Peer: the same request as hand-written DSL sent straight to OpenSearch, asked in turn with our two stores in every run.',
  `Loaded at ${loadRates[0]} events/s (embedded) and ${loadRates[1]} events/s (OpenSearch). Load average of the 2-core machine (other work ran beside): ${loadBefore} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`,
  '',
  '| case | embedded | OpenSearchStore | hand-written DSL (peer) | OpenSearchStore / peer (p50) | embedded / peer (p50) |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
  `Export of one day (about a tenth of the events), pages of ${EXPORT_PAGE_SIZE}; peak RSS is this process's highest so far (it only grows):`,
  '',
  '| reader | rows | rows/s | peak RSS MB (this process) |',
  '|---|---|---|---|',
  ...exports,
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', `store-analyst-${EVENTS}.md`), `# store analyst reads, ${new Date().toISOString()}\n\n${table}\n`);
