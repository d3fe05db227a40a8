/**
 * Proves: correlation alerts come close to real time. The latency of issue 14's brute force
 * (5 "Failed password" then "Accepted password" for one user from one address, sshd lines sent
 * as syslog over TCP) from the moment the last line is written to the collector to the moment
 * GET /api/v1/alerts returns the correlation alert, p50/p99 over SAMPLES users, through the
 * whole stack as processes: collector → bus → processor workers (signals) → alerting
 * scheduler → store → API. Target: p99 < 5 s.
 *
 * The peer in the same run is the single-event path: one sshd line to its own (not muted)
 * rule's alert returned by the API, sampled interleaved with the correlation, so the ratio
 * shows what the scheduler adds (its lateness, idleness and tick). With --cluster the same on
 * Kafka + OpenSearch.
 *
 *   node --import tsx benchmarks/alerting/brute-force-latency.bench.ts [--samples=30] [--cluster]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInfra } from '@siem/infra';
import { deploymentEnv, startApp, waitFor, type AppProcess, type Deployment, type PipelineEnv } from '@siem/testing';

const SAMPLES = Number(process.argv.find((a) => a.startsWith('--samples='))?.split('=')[1] ?? 30);
const CLUSTER = process.argv.includes('--cluster');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const RULES = {
  failed: { id: 'b0000000-0000-4000-8000-000000000001', name: 'bench_sshd_failed', title: 'SSH failed password', level: 'low', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['Failed password for'], condition: 'keywords' } },
  accepted: { id: 'b0000000-0000-4000-8000-000000000002', name: 'bench_sshd_accepted', title: 'SSH accepted password', level: 'low', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['Accepted password for'], condition: 'keywords' } },
  failures: {
    id: 'b0000000-0000-4000-8000-000000000003',
    name: 'bench_ssh_failures',
    title: 'Five SSH password failures',
    level: 'medium',
    correlation: { type: 'event_count', rules: ['bench_sshd_failed'], 'group-by': ['user.name', 'source.ip'], timespan: '10m', condition: { gte: 5 } },
  },
  bruteForce: {
    id: 'b0000000-0000-4000-8000-000000000004',
    title: 'SSH brute force followed by a success',
    level: 'high',
    correlation: { type: 'temporal_ordered', rules: ['bench_ssh_failures', 'bench_sshd_accepted'], 'group-by': ['user.name', 'source.ip'], timespan: '10m' },
  },
  // The peer: a single-event rule no correlation names, so it alerts from the processor directly.
  peer: { id: 'b0000000-0000-4000-8000-000000000005', title: 'SSH public key refused', level: 'low', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['Failed publickey for'], condition: 'keywords' } },
};

function sshdFrame(message: string): string {
  const line = `<38>1 ${new Date().toISOString()} bastion sshd 2222 - - ${message}`;
  return `${Buffer.byteLength(line)} ${line}`;
}

interface Stack {
  readonly setup: PipelineEnv;
  readonly apps: AppProcess[];
  readonly socket: net.Socket;
}

async function startStack(deployment: Deployment): Promise<Stack> {
  const setup = await deploymentEnv(deployment, { SIEM_LOG_LEVEL: 'info', SIEM_PROCESSOR_WORKERS: '2', SIEM_RULES_POLL_MS: '500' });
  const apps = [startApp('collector', setup.env), startApp('processor', setup.env), startApp('api', setup.env), startApp('alerting', setup.env)];
  await apps[0]!.waitForLog('collector', (l) => l.msg === 'The collector is listening.', 300_000);
  await apps[1]!.waitForLog('workers', () => apps[1]!.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 300_000);
  await apps[2]!.waitForLog('api', (l) => l.msg === 'The API is listening.', 300_000);
  await apps[3]!.waitForLog('scheduler', (l) => l.msg === 'This scheduler took the lease and is now the active one.', 300_000);
  for (const rule of Object.values(RULES)) {
    const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/rules`, { method: 'POST', headers: { ...setup.apiHeaders, 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    if (!response.ok) throw new Error(`Saving rule ${rule.id} answered ${response.status}: ${await response.text()}`);
  }
  await waitFor('both workers to route the rules', () => apps[1]!.logs.filter((l) => l.msg === 'Compiled the enabled detection rules.' && l.feedingCorrelations === 2).length >= 2, 60_000);
  await apps[3]!.waitForLog('the correlations', (l) => l.msg === 'Loaded the enabled correlation rules.' && l.correlations === 2, 60_000);
  const socket = net.connect(setup.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { setup, apps, socket };
}

async function stopStack(stack: Stack): Promise<void> {
  await new Promise<void>((resolve) => stack.socket.end(resolve));
  await Promise.all(stack.apps.map((app) => app.stop()));
  await stack.setup.cleanup();
}

async function alertCount(stack: Stack, ruleId: string, query: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${stack.setup.apiPort}/api/v1/alerts?rule=${ruleId}&size=10&q=${encodeURIComponent(query)}`, { headers: stack.setup.apiHeaders });
  return ((await response.json()) as { alerts: unknown[] }).alerts.length;
}

/** Milliseconds from the last line written to the alert returned by the API. */
async function timeToAlert(stack: Stack, lines: readonly string[], ruleId: string, query: string): Promise<number> {
  stack.socket.write(lines.map(sshdFrame).join(''));
  const sent = performance.now();
  await waitFor(`the alert for ${query}`, async () => (await alertCount(stack, ruleId, query)) > 0, 60_000, 25);
  return performance.now() - sent;
}

async function measure(stack: Stack, label: string): Promise<{ correlation: number[]; single: number[] }> {
  const correlation: number[] = [];
  const single: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const user = `bench${label}${i}`;
    const ip = `198.51.100.${(i % 250) + 1}`;
    const attempts = [...Array.from({ length: 5 }, (_, k) => `Failed password for ${user} from ${ip} port ${40000 + k} ssh2`), `Accepted password for ${user} from ${ip} port 41000 ssh2`];
    correlation.push(await timeToAlert(stack, attempts, RULES.bruteForce.id, `user.name:"${user}"`));
    single.push(await timeToAlert(stack, [`Failed publickey for peer${label}${i} from 203.0.113.${(i % 250) + 1} port ${50000 + i} ssh2`], RULES.peer.id, `user.name:"peer${label}${i}"`));
  }
  return { correlation: correlation.sort((a, b) => a - b), single: single.sort((a, b) => a - b) };
}

const samples: string[] = [];
const row = (name: string, { correlation, single }: { correlation: number[]; single: number[] }) => {
  samples.push(`${name}, correlation (ms, sorted): ${correlation.map(Math.round).join(', ')}`, `${name}, single-event (ms, sorted): ${single.map(Math.round).join(', ')}`);
  return `| ${name} | p50 ${Math.round(percentile(correlation, 50))} ms, p99 ${Math.round(percentile(correlation, 99))} ms | p50 ${Math.round(percentile(single, 50))} ms, p99 ${Math.round(percentile(single, 99))} ms | ${(percentile(correlation, 99) / percentile(single, 99)).toFixed(1)}× | p99 < 5000 ms: ${percentile(correlation, 99) < 5000 ? 'met' : 'missed'} |`;
};

const rows: string[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-bench-alerting-'));
try {
  const embedded = await startStack({ kind: 'embedded', dataDir: path.join(scratch, 'data') });
  try {
    rows.push(row('embedded default', await measure(embedded, 'e')));
  } finally {
    await stopStack(embedded);
  }
  if (CLUSTER) {
    const infra = await ensureInfra();
    const cluster = await startStack({ kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl });
    try {
      rows.push(row('Kafka + OpenSearch', await measure(cluster, 'c')));
    } finally {
      await stopStack(cluster);
      if (cluster.setup.env.SIEM_OPENSEARCH_URL) await fetch(`${cluster.setup.env.SIEM_OPENSEARCH_URL}/${cluster.setup.indexPrefix.replace(/-$/, '')}.*?expand_wildcards=all`, { method: 'DELETE' });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const table = [
  `# Brute force: last line sent → correlation alert returned by the API (${SAMPLES} users per deployment)`,
  '',
  `Load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(', ')} on a shared machine. Scheduler defaults: lateness 2000 ms, idle 1000 ms, tick 250 ms.`,
  '',
  '| deployment | correlation alert (5 failures + success) | single-event alert (peer, same run) | p99 ratio | target |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  ...samples.map((line) => `- ${line}`),
  '',
].join('\n');
process.stdout.write(table);
mkdirSync(path.join(root, 'benchmarks/results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks/results/alerting-brute-force-latency.md'), table);
