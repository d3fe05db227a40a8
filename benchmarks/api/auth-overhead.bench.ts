/**
 * Proves: what issue 13's security costs a search. The same POST /api/v1/search (a field
 * filter + 6 h range, 50 hits, embedded store, real read workers, over HTTP with keep-alive)
 * is sent to two APIs in one process, in back-to-back pairs so machine noise hits both:
 *  - secured: buildApi as deployed: API key checked by the auth hook (a verified key is
 *    cached, as in production), failed-auth and per-key rate limits, security headers,
 *    an audit record per request written in the background to the embedded audit store;
 *  - peer: the same search route, read pool and request metrics with none of that (the API
 *    as it was before issue 13).
 * Both read through the read handler, which always confines a read to the caller's tenant;
 * the tenant filter's own cost is measured beside them at the store: the same search with
 * and without the organization.id term, and its time is taken off the peer for the total.
 * The store drops the term over hours whose rollups hold the caller's tenant only (every hour
 * of a single-tenant deployment); a second day with two tenants in every hour shows what the
 * term costs where it must run.
 * Target: overhead at most 5% (ratio ≤ 1.05).
 *
 * Also: a valid key's search latency while another address brute-forces keys, against the same
 * searches with no attack.
 *
 *   node --import tsx benchmarks/api/auth-overhead.bench.ts [--events=50000] [--pairs=1000] [--attack-blocks=10]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { loadConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { EmbeddedAuditStore, EmbeddedStore, tenantQuery, type IndexableEvent } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { apiMetrics } from '../../apps/api/src/api-metrics';
import { buildApi } from '../../apps/api/src/build-api';
import { poolReader } from '../../apps/api/src/event-reader';
import type { ReadHandlerData } from '../../apps/api/src/read-pool/read-handler';
import { ReadPool } from '../../apps/api/src/read-pool/read-pool';
import { analystRoutes } from '../../apps/api/src/routes/analyst';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const EVENTS = arg('events', 50_000);
const PAIRS = arg('pairs', 1000);
const ATTACK_BLOCKS = arg('attack-blocks', 10);
const ATTACKERS = 4;
const START = Date.UTC(2026, 10, 1);
const SPAN_MS = 24 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const Q = 'event.outcome:failure AND host.name:host-7';

function makeEvent(i: number, day = 0, tenant = 'default'): IndexableEvent {
  const timestamp = iso(START + day * SPAN_MS + Math.floor((i / EVENTS) * SPAN_MS));
  return {
    id: `auth-bench-${day}-${i}`,
    timestamp,
    document: {
      '@timestamp': timestamp,
      message: `Failed password for user${i % 500} from 203.0.113.${i % 256} port ${1024 + (i % 60000)} ssh2`,
      host: { name: `host-${i % 50}` },
      user: { name: `user${i % 500}` },
      source: { ip: `203.0.113.${i % 256}` },
      event: { outcome: i % 3 === 0 ? 'success' : 'failure' },
      organization: { id: tenant },
    },
  };
}

const rangeOf = (r: number, day = 0) => ({ from: iso(START + day * SPAN_MS + (r % 18) * 3_600_000), to: iso(START + day * SPAN_MS + ((r % 18) + 6) * 3_600_000), size: 50 });
const body = (r: number) => JSON.stringify({ q: Q, ...rangeOf(r) });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  const total = ms.reduce((a, b) => a + b, 0);
  return { p50: at(50), p99: at(99), perSecond: (ms.length / total) * 1000 };
}

async function timed(url: string, headers: Record<string, string>, r: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body(r) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return performance.now() - started;
}

/** The brute-force client, run in a worker thread: wrong keys over keep-alive connections from 127.0.0.2 until told to stop. */
const ATTACKER_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const agent = new http.Agent({ keepAlive: true, localAddress: '127.0.0.2' });
const statuses = new Map();
let running = true;
let sent = 0;
const once = (n) => new Promise((resolve) => {
  const key = 'ApiKey siem_' + n.toString(16).padStart(16, '0') + '_' + 'x'.repeat(43);
  const request = http.request({ host: '127.0.0.1', port: workerData.port, path: '/api/v1/search', method: 'POST', agent, headers: { authorization: key, 'content-type': 'application/json' } }, (response) => {
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    response.resume().on('end', resolve);
  });
  request.on('error', resolve);
  request.end('{}');
});
const loop = async () => { while (running) await once(workerData.offset + sent++); };
parentPort.on('message', async () => {
  running = false;
  await Promise.all(loops);
  agent.destroy();
  parentPort.postMessage({ sent, statuses: [...statuses] });
});
const loops = Array.from({ length: workerData.connections }, loop);
parentPort.postMessage('started');
`;

const dir = mkdtempSync(path.join(tmpdir(), 'siem-auth-bench-'));
const logger = createLogger('auth-bench', 'warn');
try {
  const store = new EmbeddedStore({ dataDir: dir, indexPrefix: 'siem-events-', retentionDays: 3650 });
  for (let i = 0; i < EVENTS; i += 5_000) await store.bulkIndex(Array.from({ length: Math.min(5_000, EVENTS - i) }, (_, k) => makeEvent(i + k)));

  const config = loadConfig({ SIEM_DATA_DIR: dir, SIEM_STORE_RETENTION_DAYS: '3650', SIEM_API_READ_WORKERS: '2' });
  const pool = new ReadPool({ handlerModule: new URL('../../apps/api/src/read-pool/read-handler.ts', import.meta.url), handlerData: { config } satisfies ReadHandlerData, workers: 2, budgetMs: 10_000, memoryMb: 256, logger });
  await pool.ready();
  const reader = poolReader(pool);

  const keys = await testKeys();
  const audit = new EmbeddedAuditStore({ dataDir: path.join(dir, 'audit') });
  const secured = buildApi({ reader, logger, metrics: new MetricsRegistry(), keys: keys.keys, security: { audit, rateLimitPerMinute: 10_000_000 } });
  const peer = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  // The API's request metrics, which it had before issue 13, stay on the peer too.
  const peerMetrics = apiMetrics(new MetricsRegistry());
  peer.addHook('onResponse', async (request, reply) => peerMetrics.answered(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000));
  peer.addHook('onClose', async () => peerMetrics.stop());
  peer.register(analystRoutes, { prefix: '/api/v1', reader });
  const securedUrl = `${await secured.listen({ host: '127.0.0.1', port: 0 })}/api/v1/search`;
  const peerUrl = `${await peer.listen({ host: '127.0.0.1', port: 0 })}/api/v1/search`;

  // Warm-up: JIT, read workers' statements, the verified-key cache.
  for (let r = 0; r < 50; r++) {
    await timed(securedUrl, keys.admin, r);
    await timed(peerUrl, {}, r);
  }
  // Paired requests, the same search on both sides back to back, first side alternating
  // (ABBA), so a neighbour's burst lands on both halves of a pair alike.
  const ours: number[] = [];
  const theirs: number[] = [];
  const differences: number[] = [];
  for (let r = 0; r < PAIRS; r++) {
    let securedMs: number;
    let peerMs: number;
    if (r % 2 === 0) {
      securedMs = await timed(securedUrl, keys.admin, r);
      peerMs = await timed(peerUrl, {}, r);
    } else {
      peerMs = await timed(peerUrl, {}, r);
      securedMs = await timed(securedUrl, keys.admin, r);
    }
    ours.push(securedMs);
    theirs.push(peerMs);
    differences.push(securedMs - peerMs);
  }

  // The tenant term's cost at the store, in this process: the same search with and without it.
  const query = parseQuery(Q);
  const scoped = tenantQuery(query, 'default');
  const storePairs = async (day: number) => {
    const runs = { plain: [] as number[], scoped: [] as number[] };
    for (let r = 0; r < PAIRS; r++) {
      for (const [name, q] of (r % 2 === 0 ? [['plain', query], ['scoped', scoped]] : [['scoped', scoped], ['plain', query]]) as [keyof typeof runs, typeof query][]) {
        const started = performance.now();
        await store.search({ query: q, ...rangeOf(r, day) });
        runs[name].push(performance.now() - started);
      }
    }
    return runs;
  };
  const storeRuns = await storePairs(0);

  // A brute force beside a valid caller: a worker thread (its own event loop, as another
  // machine would be) sends wrong keys from another address (127.0.0.2) over ATTACKERS
  // connections as fast as they are answered (401, then 429 before any key is looked at),
  // while the valid key's searches are timed; blocks with and without the attack alternate.
  const attackTotals = { sent: 0, statuses: new Map<number, number>() };
  const quiet: number[] = [];
  const underAttack: number[] = [];
  let attackMs = 0;
  for (let block = 0; block < ATTACK_BLOCKS; block++) {
    const attacked = block % 2 === 1;
    const started = performance.now();
    const worker = attacked ? new Worker(ATTACKER_SOURCE, { eval: true, workerData: { port: Number(new URL(securedUrl).port), connections: ATTACKERS, offset: attackTotals.sent } }) : undefined;
    if (worker) await new Promise((resolve) => worker.once('message', resolve));
    for (let i = 0; i < 50; i++) (attacked ? underAttack : quiet).push(await timed(securedUrl, keys.admin, block * 50 + i));
    if (worker) {
      const done = new Promise<{ sent: number; statuses: [number, number][] }>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const result = await done;
      await worker.terminate();
      attackMs += performance.now() - started;
      attackTotals.sent += result.sent;
      for (const [status, n] of result.statuses) attackTotals.statuses.set(status, (attackTotals.statuses.get(status) ?? 0) + n);
    }
  }

  // The next day holds two tenants in every hour: the store cannot drop the term there. (Written
  // after the API's runs, which read the first day only.)
  for (let i = 0; i < EVENTS; i += 5_000) await store.bulkIndex(Array.from({ length: Math.min(5_000, EVENTS - i) }, (_, k) => makeEvent(i + k, 1, (i + k) % 2 === 0 ? 'default' : 'acme')));
  const mixedRuns = await storePairs(1);

  await secured.close();
  const auditRecords = (await audit.search({ tenant: 'default', size: 1000, route: '/api/v1/search' })).records.length;
  await peer.close();
  await pool.close();
  await keys.close();
  await audit.close();
  await store.close();

  const s = stats(ours);
  const p = stats(theirs);
  const plain = stats(storeRuns.plain);
  const tenant = stats(storeRuns.scoped);
  const pairedMs = median(differences);
  // The ratio from the paired difference: what a typical request pays on top of the same request without security.
  const hit = stats(underAttack);
  const calm = stats(quiet);
  const apiRatio = (p.p50 + pairedMs) / p.p50;
  const tenantMs = median(storeRuns.scoped.map((ms, i) => ms - storeRuns.plain[i]!));
  const tenantRatio = (plain.p50 + tenantMs) / plain.p50;
  const mixedPlain = stats(mixedRuns.plain);
  const mixedTenant = stats(mixedRuns.scoped);
  const mixedMs = median(mixedRuns.scoped.map((ms, i) => ms - mixedRuns.plain[i]!));
  const mixedRatio = (mixedPlain.p50 + mixedMs) / mixedPlain.p50;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  // The peer reads through the same tenant-scoped handler: without the filter it would be faster by the store's paired difference.
  const peerWithoutTenant = p.p50 - Math.max(0, tenantMs);
  const togetherRatio = (peerWithoutTenant + pairedMs + Math.max(0, tenantMs)) / peerWithoutTenant;
  const fmt = (n: number) => n.toFixed(2);
  const verdict = (ratio: number) => (ratio <= 1.05 ? 'met (≤ 1.05)' : 'not met (> 1.05)');
  const report = [
    `# api auth overhead, ${new Date().toISOString()}`,
    '',
    `POST /api/v1/search (\`${Q}\`, 6 h of a day, 50 hits) on the embedded store with ${EVENTS.toLocaleString('en-US')} events, 2 read workers, one client over HTTP keep-alive, one request at a time; ${PAIRS} pairs (the same search to both sides back to back, which goes first alternating). Latencies in ms; ratio = (peer p50 + median paired difference) / peer p50; median paired difference: API ${fmt(pairedMs)} ms, tenant filter ${fmt(tenantMs)} ms. Audit records written during the run: ${auditRecords >= 1000 ? '1000 or more' : auditRecords} (one per request). Load average at the end (1, 5, 15 min): ${load}; ${cpus().length} cores shared with other work.`,
    '',
    '| what | secured p50 | secured p99 | secured req/s | peer p50 | peer p99 | peer req/s | ratio (p50) | target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    `| API: key check, rate limits, headers, audit record (peer: same route, read pool and request metrics, no security) | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.perSecond.toFixed(0)} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${p.perSecond.toFixed(0)} | ${apiRatio.toFixed(3)} | ${verdict(apiRatio)} |`,
    `| store: tenant filter (organization.id term) against the same search without it, one tenant (the term dropped: the hours hold only the caller's tenant) | ${fmt(tenant.p50)} | ${fmt(tenant.p99)} | ${tenant.perSecond.toFixed(0)} | ${fmt(plain.p50)} | ${fmt(plain.p99)} | ${plain.perSecond.toFixed(0)} | ${tenantRatio.toFixed(3)} | ${verdict(tenantRatio)} |`,
    `| store, the next day: two tenants in every hour (the term runs: an FTS lookup of the tenant's events), ${EVENTS.toLocaleString('en-US')} events; median paired difference ${fmt(mixedMs)} ms | ${fmt(mixedTenant.p50)} | ${fmt(mixedTenant.p99)} | ${mixedTenant.perSecond.toFixed(0)} | ${fmt(mixedPlain.p50)} | ${fmt(mixedPlain.p99)} | ${mixedPlain.perSecond.toFixed(0)} | ${mixedRatio.toFixed(3)} | — |`,
    `| valid key's search while another address sends wrong keys (${attackTotals.sent.toLocaleString('en-US')} in ${(attackMs / 1000).toFixed(1)} s, ${(attackTotals.sent / (attackMs / 1000)).toFixed(0)}/s over ${ATTACKERS} connections: ${[...attackTotals.statuses].sort().map(([status, n]) => `${n} × ${status}`).join(', ')}; peer: the same searches with no attack, blocks alternating) | ${fmt(hit.p50)} | ${fmt(hit.p99)} | ${hit.perSecond.toFixed(0)} | ${fmt(calm.p50)} | ${fmt(calm.p99)} | ${calm.perSecond.toFixed(0)} | ${(hit.p50 / calm.p50).toFixed(3)} | — |`,
    `| together: both differences against the peer less the tenant filter (${fmt(peerWithoutTenant)} ms) | | | | | | | ${togetherRatio.toFixed(3)} | ${verdict(togetherRatio)} |`,
    '',
  ].join('\n');
  console.log(report);
  writeFileSync(path.join(import.meta.dirname, '..', 'results', 'api-auth-overhead.md'), report);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
