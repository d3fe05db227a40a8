/**
 * Proves: detection costs the pipeline little. The end-to-end rate of the embedded default
 * (HTTP NDJSON Sysmon events and TCP sshd syslog → collector → bus → processor workers →
 * store, until every event is searchable) with 1,000 SigmaHQ rules enabled, against the same
 * pipeline with none, measured in the same run as none, rules, rules, none (the load of a
 * shared machine drifts); target ≥ 0.8×. Then the latency from an event posted to the
 * collector to its alert returned by GET /api/v1/alerts, p50/p99 over single events (target
 * p99 < 1 s embedded, < 2 s with --cluster, which repeats the latency part on Kafka + OpenSearch).
 * The rules are read from ../shared/corpora/sigma at run time, never copied here.
 *
 *   node --import tsx benchmarks/processor/detection.bench.ts [events=100000] [--cluster]
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInfra } from '@siem/infra';
import { deploymentEnv, startApp, waitFor, type AppProcess, type Deployment, type PipelineEnv } from '@siem/testing';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const CLUSTER = process.argv.includes('--cluster');
const RULES = 1_000;
const LATENCY_SAMPLES = 60;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = path.resolve(root, '../shared/corpora/sigma/rules');
const WHOAMI_RULE = path.join(CORPUS, 'windows/process_creation/proc_creation_win_whoami_all_execution.yml');

/** Sysmon event 1 as Winlogbeat ships it (field names from Microsoft's Sysmon documentation); one in 50 runs `whoami -all`. */
function sysmonLine(i: number, marker: string): string {
  const whoami = i % 50 === 0;
  return JSON.stringify({
    '@timestamp': new Date(Date.UTC(2026, 10, 23, 10, 0, 0, i % 60_000)).toISOString(),
    winlog: {
      channel: 'Microsoft-Windows-Sysmon/Operational',
      event_id: 1,
      computer_name: `${marker}-win`,
      event_data: {
        Image: whoami ? 'C:\\Windows\\System32\\whoami.exe' : `C:\\Program Files\\App${i % 40}\\app.exe`,
        CommandLine: whoami ? 'whoami  -all' : `app.exe --job ${i}`,
        ParentImage: 'C:\\Windows\\explorer.exe',
        User: `CORP\\user${i % 300}`,
      },
    },
  });
}

function sshdLine(i: number, marker: string): string {
  return `<38>1 2026-11-23T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z bastion-${i % 20} sshd ${1000 + (i % 9000)} - - Failed password for user${i % 500} from 203.0.113.${i % 250} port ${1024 + (i % 60000)} ssh2 ${marker}`;
}

async function sendHttp(setup: PipelineEnv, lines: string[]): Promise<void> {
  for (let start = 0; start < lines.length; start += 5_000) {
    const body = lines.slice(start, start + 5_000).join('\n');
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      if (response.ok) break;
      if (response.status !== 503) throw new Error(`HTTP ingest answered ${response.status}: ${await response.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function sendTcp(setup: PipelineEnv, count: number, marker: string): Promise<void> {
  const socket = net.connect(setup.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (let i = 0; i < count; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
      const line = sshdLine(i + k, marker);
      return `${Buffer.byteLength(line)} ${line}`;
    }).join('');
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function count(setup: PipelineEnv, query: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/count?q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
  return ((await response.json()) as { count: number }).count;
}

/** The corpus rule files, whoami first (the latency part needs it), then the rest in path order. */
function corpusFiles(): string[] {
  const files: string[] = [];
  const visit = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const full = path.join(directory, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (name.endsWith('.yml') && full !== WHOAMI_RULE) files.push(full);
    }
  };
  visit(CORPUS);
  return [WHOAMI_RULE, ...files];
}

/** Imports corpus rule files through the API until RULES of them are imported; returns how many rules are stored. */
async function importRules(setup: PipelineEnv): Promise<number> {
  const files = corpusFiles();
  let imported = 0;
  for (let start = 0; start < files.length && imported < RULES; start += 100) {
    const batch = files.slice(start, start + Math.min(100, RULES - imported));
    const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/rules/import`, {
      method: 'POST',
      headers: { ...setup.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ files: batch.map((file) => ({ name: path.relative(CORPUS, file), content: readFileSync(file, 'utf8') })) }),
    });
    const report = (await response.json()) as { imported: number };
    imported += report.imported;
  }
  // A file may hold several rules: the store says how many there are.
  const listed = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/rules`, { headers: setup.apiHeaders });
  return ((await listed.json()) as { total: number }).total;
}

interface Stack {
  readonly setup: PipelineEnv;
  readonly apps: AppProcess[];
}

async function startStack(deployment: Deployment): Promise<Stack> {
  const setup = await deploymentEnv(deployment, { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: '2', SIEM_RULES_POLL_MS: '500' });
  const apps = [startApp('collector', setup.env), startApp('processor', setup.env), startApp('api', setup.env)];
  // Generous: the machines these run on are shared, and a start can wait minutes for a core.
  await apps[0]!.waitForLog('collector', (l) => l.msg === 'The collector is listening.', 300_000);
  await apps[1]!.waitForLog('workers', () => apps[1]!.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 300_000);
  await apps[2]!.waitForLog('api', (l) => l.msg === 'The API is listening.', 300_000);
  return { setup, apps };
}

async function stopStack(stack: Stack): Promise<void> {
  await Promise.all(stack.apps.map((app) => app.stop()));
  await stack.setup.cleanup();
}

/** Waits until both workers run every imported rule (their latest compile loaded all of them); returns how many run here. */
async function rulesInForce(processor: AppProcess, imported: number): Promise<number> {
  return waitFor('both workers to compile the imported rules', () => {
    const last = processor.logs.filter((line) => line.msg === 'Compiled the enabled detection rules.' && line.loaded === imported);
    const workers = new Set(last.map((line) => line.pid));
    return workers.size >= 2 ? (last.at(-1)!.rules as number) : undefined;
  }, 300_000, 250);
}

/** Seconds until TOTAL events (half Sysmon over HTTP, half sshd over TCP) are searchable. */
async function measureRate(stack: Stack, label: string): Promise<number> {
  const marker = `bench${Date.now().toString(36)}`;
  const half = TOTAL / 2;
  const sysmon = Array.from({ length: half }, (_, i) => sysmonLine(i, marker));
  const started = performance.now();
  await Promise.all([sendHttp(stack.setup, sysmon), sendTcp(stack.setup, half, marker)]);
  await waitFor(`${TOTAL} searchable events`, async () => (await count(stack.setup, marker)) + (await count(stack.setup, `host.name:"${marker}-win"`)) >= TOTAL, 900_000, 250);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${TOTAL} events in ${seconds.toFixed(1)} s, ${Math.round(TOTAL / seconds)} events/s`);
  return TOTAL / seconds;
}

/** Milliseconds from posting one whoami event to the API returning its alert, per sample. */
async function measureLatency(stack: Stack): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const host = `lat${Date.now().toString(36)}${i}`;
    const event = JSON.parse(sysmonLine(0, host)) as { '@timestamp': string };
    event['@timestamp'] = new Date().toISOString();
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${stack.setup.httpPort}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: JSON.stringify(event) });
    if (!response.ok) throw new Error(`ingest answered ${response.status}`);
    await waitFor(`the alert of ${host}`, async () => {
      const answer = await fetch(`http://127.0.0.1:${stack.setup.apiPort}/api/v1/alerts?size=1&q=${encodeURIComponent(`host.name:"${host}-win"`)}`, { headers: stack.setup.apiHeaders });
      return ((await answer.json()) as { total: number }).total > 0;
    }, 30_000, 10);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-detection-bench-'));
const rows: string[] = [];
try {
  const embedded = (run: string): Deployment => ({ kind: 'embedded', dataDir: path.join(scratch, run) });
  const rates: { rules: number; rate: number }[] = [];
  let latencyEmbedded: number[] = [];
  let compiledRules = 0;
  for (const [run, withRules] of [
    ['none-1', false],
    ['rules-1', true],
    ['rules-2', true],
    ['none-2', false],
  ] as const) {
    const stack = await startStack(embedded(run));
    try {
      if (withRules) {
        const imported = await importRules(stack.setup);
        compiledRules = await rulesInForce(stack.apps[1]!, imported);
        console.log(`${run}: ${imported} rules imported, ${compiledRules} run here (the others' log sources have no parser)`);
      }
      rates.push({ rules: withRules ? compiledRules : 0, rate: await measureRate(stack, run) });
      if (run === 'rules-2') latencyEmbedded = await measureLatency(stack);
    } finally {
      await stopStack(stack);
    }
  }
  const none = rates.filter((r) => r.rules === 0).map((r) => r.rate);
  const withRules = rates.filter((r) => r.rules > 0).map((r) => r.rate);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const ratio = mean(withRules) / mean(none);
  rows.push(
    `| embedded default, rate | ${Math.round(mean(none))} events/s | ${Math.round(mean(withRules))} events/s (${compiledRules} rules running) | ${ratio.toFixed(2)} | ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'missed'} |`,
    `| embedded default, event → alert via API | | p50 ${Math.round(percentile(latencyEmbedded, 50))} ms, p99 ${Math.round(percentile(latencyEmbedded, 99))} ms (${LATENCY_SAMPLES} events) | | p99 < 1000 ms: ${percentile(latencyEmbedded, 99) < 1000 ? 'met' : 'missed'} |`,
  );
  if (CLUSTER) {
    const infra = await ensureInfra();
    const stack = await startStack({ kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl });
    try {
      await rulesInForce(stack.apps[1]!, await importRules(stack.setup));
      const latency = await measureLatency(stack);
      rows.push(`| Kafka + OpenSearch, event → alert via API | | p50 ${Math.round(percentile(latency, 50))} ms, p99 ${Math.round(percentile(latency, 99))} ms (${LATENCY_SAMPLES} events) | | p99 < 2000 ms: ${percentile(latency, 99) < 2000 ? 'met' : 'missed'} |`);
    } finally {
      await stopStack(stack);
      await fetch(`${infra.opensearchUrl}/${stack.setup.indexPrefix.replace(/-$/, '')}.*?expand_wildcards=all`, { method: 'DELETE' });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

const table = [
  `# processor detection, ${new Date().toISOString()}`,
  '',
  `End to end, ${TOTAL} events per run (half Sysmon process creations over HTTP NDJSON, one in 50 a whoami -all; half sshd syslog over TCP), 2 processor workers, until every event is searchable; runs none, rules, rules, none. Rules: the first ${RULES} SigmaHQ rules that import, in path order (whoami -all first). Latency: single events posted one after the other, the alert polled every 10 ms.`,
  '',
  '| measure | no rules (peer) | 1,000 rules | ratio | target |',
  '|---|---:|---:|---:|---|',
  ...rows,
  '',
].join('\n');
console.log(table);
mkdirSync(path.join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks/results/processor-detection.md'), table);
