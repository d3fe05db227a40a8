/**
 * Proves: a field filter plus a time range over N stored events answers fast in
 * the embedded store (SQLite), with OpenSearch holding the same events as the
 * peer measured in the same run. Also prints the bulk rate of loading them.
 *
 *   node --import tsx benchmarks/store/search.bench.ts [--events=1000000] [--embedded-only]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureInfra } from '@siem/infra';
import { parseQuery } from '@siem/query';
import { EmbeddedStore, OpenSearchStore, type EventStore, type IndexableEvent } from '@siem/store';

const EVENTS = Number(process.argv.find((a) => a.startsWith('--events='))?.split('=')[1] ?? 1_000_000);
const BATCH = 2_000;
const QUERIES = 200;
const START = Date.UTC(2026, 10, 1);
const SPAN_MS = 10 * 24 * 3_600_000;

function makeEvent(i: number): IndexableEvent {
  const timestamp = new Date(START + Math.floor((i / EVENTS) * SPAN_MS)).toISOString();
  return {
    id: `bench-${i}`,
    timestamp,
    document: {
      '@timestamp': timestamp,
      message: `Failed password for user${i % 5000} from 203.0.${(i >> 8) % 256}.${i % 256} port ${1024 + (i % 60000)} ssh2`,
      host: { name: `host-${i % 500}` },
      user: { name: `user${i % 5000}` },
      source: { ip: `203.0.${(i >> 8) % 256}.${i % 256}` },
      event: { dataset: 'syslog_rfc5424', outcome: i % 3 === 0 ? 'success' : 'failure' },
      process: { name: 'sshd', pid: 1000 + (i % 30000) },
    },
  };
}

async function load(store: EventStore): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < EVENTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, k) => makeEvent(i + k));
    const result = await store.bulkIndex(batch);
    if (result.rejected.length) throw new Error(`rejected: ${JSON.stringify(result.rejected[0])}`);
  }
  return Math.round(EVENTS / ((Date.now() - started) / 1000));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measureSearch(store: EventStore): Promise<{ p50: number; p95: number; hits: number }> {
  const timings: number[] = [];
  let hits = 0;
  for (let q = 0; q < QUERIES; q++) {
    const from = START + ((q * 7919) % 9) * 24 * 3_600_000 + (q % 24) * 3_600_000;
    const request = { query: parseQuery(`host.name:host-${(q * 37) % 500}`), from: new Date(from).toISOString(), to: new Date(from + 6 * 3_600_000).toISOString(), size: 50 };
    const started = process.hrtime.bigint();
    const result = await store.search(request);
    timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    hits += result.hits.length;
  }
  timings.sort((a, b) => a - b);
  return { p50: percentile(timings, 50), p95: percentile(timings, 95), hits };
}

const rows: string[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-search-bench-'));
try {
  const embedded = new EmbeddedStore({ dataDir });
  await embedded.ensureReady();
  const embeddedRate = await load(embedded);
  const embeddedSearch = await measureSearch(embedded);
  await embedded.close();
  rows.push(`| embedded (SQLite) | ${EVENTS} | ${embeddedRate} | ${embeddedSearch.p50.toFixed(1)} | ${embeddedSearch.p95.toFixed(1)} | ${embeddedSearch.hits} |`);
  process.stdout.write(`${rows.at(-1)}\n`);

  if (!process.argv.includes('--embedded-only')) {
    const infra = await ensureInfra();
    const indexPrefix = `siem-bench-${randomBytes(3).toString('hex')}-`;
    const opensearch = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix, replicas: 0 });
    await opensearch.ensureReady();
    const opensearchRate = await load(opensearch);
    await fetch(`${infra.opensearchUrl}/${indexPrefix}*/_refresh`, { method: 'POST' });
    const opensearchSearch = await measureSearch(opensearch);
    await fetch(`${infra.opensearchUrl}/${indexPrefix}*`, { method: 'DELETE' });
    await opensearch.close();
    rows.push(`| OpenSearch 2.19 (peer) | ${EVENTS} | ${opensearchRate} | ${opensearchSearch.p50.toFixed(1)} | ${opensearchSearch.p95.toFixed(1)} | ${opensearchSearch.hits} |`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const table = [`${QUERIES} searches of host.name:<one of 500> over a 6 h window (size 50), after loading in batches of ${BATCH}:`, '', '| store | events | load events/s | p50 ms | p95 ms | hits returned |', '|---|---|---|---|---|---|', ...rows].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', `store-search-${EVENTS}.md`), `# store search, ${new Date().toISOString()}\n\n${table}\n`);
