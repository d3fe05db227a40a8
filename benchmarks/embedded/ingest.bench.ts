/**
 * Proves: sustained end-to-end ingest into the embedded default (HTTP NDJSON and
 * TCP syslog senders on loopback → collector → embedded bus → processor workers
 * → embedded store), measured until every event is searchable through the API,
 * with the peak RSS of every process. The peer, measured in the same run on the
 * same input, is the same pipeline on Kafka + OpenSearch (tools/infra).
 *
 *   node --import tsx benchmarks/embedded/ingest.bench.ts [events=300000] [--embedded-only]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureInfra } from '@siem/infra';
import { deploymentEnv, startApp, waitFor, type Deployment, type PipelineEnv } from '@siem/testing';
import { RssSampler } from '../lib/process-rss';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 300_000);
const HTTP_BATCH = 5_000;
const HTTP_CONCURRENCY = 4;

interface Result {
  deployment: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: Record<string, number>;
}

function syslogFrame(i: number, marker: string): string {
  const line = `<38>1 2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z host-${i % 50} sshd ${1000 + (i % 9000)} - - Failed password for user${i % 500} from 203.0.113.${i % 250} port ${1024 + (i % 60000)} ssh2 ${marker}`;
  return `${Buffer.byteLength(line)} ${line}`;
}

function jsonLine(i: number, marker: string): string {
  return JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 10, 23, 10, 0, 0, i % 60_000)).toISOString(), message: `GET /api/items/${i} 200 ${marker}`, host: { name: `web-${i % 20}` }, user: { name: `user${i % 300}` }, http: { response: { status_code: 200 } } });
}

async function sendHttp(setup: PipelineEnv, count: number, marker: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + HTTP_BATCH);
      const body = Array.from({ length: next - start }, (_, k) => jsonLine(start + k, marker)).join('\n');
      for (;;) {
        const response = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
        if (response.ok) break;
        if (response.status !== 503) throw new Error(`HTTP ingest answered ${response.status}: ${await response.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: HTTP_CONCURRENCY }, worker));
}

async function sendTcp(setup: PipelineEnv, count: number, marker: string): Promise<void> {
  const socket = net.connect(setup.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (let i = 0; i < count; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - i) }, (_, k) => syslogFrame(i + k, marker)).join('');
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function searchableCount(setup: PipelineEnv, marker: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/count?q=${marker}`);
  return ((await response.json()) as { count: number }).count;
}

async function measure(name: string, deployment: Deployment): Promise<Result> {
  const setup = await deploymentEnv(deployment, { SIEM_LOG_LEVEL: 'warn', SIEM_PROCESSOR_WORKERS: process.env.BENCH_WORKERS ?? '2' });
  const marker = `bench${Date.now().toString(36)}`;
  const apps = { collector: startApp('collector', { ...setup.env, SIEM_LOG_LEVEL: 'info' }), processor: startApp('processor', { ...setup.env, SIEM_LOG_LEVEL: 'info' }), api: startApp('api', { ...setup.env, SIEM_LOG_LEVEL: 'info' }) };
  try {
    await apps.collector.waitForLog('collector', (l) => l.msg === 'The collector is listening.');
    await apps.processor.waitForLog('workers', () => apps.processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === Number(setup.env.SIEM_PROCESSOR_WORKERS));
    await apps.api.waitForLog('api', (l) => l.msg === 'The API is listening.');
    const samplers = Object.fromEntries(Object.entries(apps).map(([app, p]) => [app, new RssSampler(() => [p.child.pid!])]));
    const started = Date.now();
    await Promise.all([sendHttp(setup, TOTAL / 2, marker), sendTcp(setup, TOTAL / 2, marker)]);
    const sentSeconds = (Date.now() - started) / 1000;
    await waitFor(`${TOTAL} searchable events`, async () => (await searchableCount(setup, marker)) >= TOTAL, 900_000, 500);
    const seconds = (Date.now() - started) / 1000;
    const peakRssMb = Object.fromEntries(Object.entries(samplers).map(([app, s]) => [app, Math.round(s.stop() / 1048576)]));
    process.stdout.write(`${name}: sent in ${sentSeconds.toFixed(1)} s, all searchable after ${seconds.toFixed(1)} s\n`);
    return { deployment: `${name}, ${setup.env.SIEM_PROCESSOR_WORKERS} workers`, events: TOTAL, seconds, eventsPerSecond: Math.round(TOTAL / seconds), peakRssMb };
  } finally {
    await Promise.all(Object.values(apps).map((app) => app.stop()));
  }
}

const results: Result[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-bench-'));
try {
  results.push(await measure('embedded (default)', { kind: 'embedded', dataDir }));
  if (!process.argv.includes('--embedded-only')) {
    const infra = await ensureInfra();
    results.push(await measure('kafka + opensearch (peer)', { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl }));
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const table = [
  '| deployment | events | seconds to searchable | events/s | peak RSS MB (per process, max) |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.deployment} | ${r.events} | ${r.seconds.toFixed(1)} | ${r.eventsPerSecond} | ${Object.entries(r.peakRssMb).map(([app, mb]) => `${app} ${mb}`).join(', ')} |`),
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(path.join(import.meta.dirname, '..', 'results', 'embedded-ingest.md'), `# embedded ingest, ${new Date().toISOString()}\n\n${table}\n`);
