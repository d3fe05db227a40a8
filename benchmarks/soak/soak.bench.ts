/**
 * Soak (issue 18): steady mixed load from `siem loadgen` (syslog, CEF, JSON and
 * Windows lines over HTTP, acknowledged) into the whole pipeline with two Sigma
 * rules enabled, sampling every few seconds the resident memory of each app
 * (processor: primary and workers together), the API's event-loop delay (the
 * only app that exports it), the backlog (events acknowledged to the sender but
 * not yet searchable: what the consumers still have to read and index) and the
 * searchable throughput. It then checks the stated bounds: no app's memory in
 * the last fifth of the run more than 1.5x what it was in the second fifth (after
 * the warm-up), the backlog back to zero within two minutes of the load's end, and
 * nothing acknowledged lost. Writes benchmarks/results/soak-<mode>.md with PNG
 * charts beside it (SVG drawn here, rendered by the chromium tools/setup.sh installs).
 *
 *   node --import tsx benchmarks/soak/soak.bench.ts [--minutes 5] [--rate 500] [--cluster]
 *
 * Embedded (the default deployment) unless --cluster, which runs the same on
 * Kafka + OpenSearch from tools/infra (the 30-minute run of the issue:
 * --cluster --minutes 30).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureInfra } from '@siem/infra';
import { deploymentEnv, startApp, startCli, type AppProcess, type Deployment, type PipelineEnv } from '@siem/testing';
import { processTree, rssBytes } from '../lib/process-rss';

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
};
const MINUTES = Number(arg('minutes', '5'));
const RATE = Number(arg('rate', '500'));
const CLUSTER = process.argv.includes('--cluster');
const SAMPLE_MS = 5_000;
const DRAIN_LIMIT_MS = 120_000;
const GROWTH_BOUND = 1.5;
const RESULTS = path.join(import.meta.dirname, '..', 'results');
const MODE = CLUSTER ? 'cluster' : 'embedded';

/** Written for this soak after the Sigma specification's rule format; they match lines the load generator sends. */
const RULES = [
  {
    name: 'soak-sshd-failed.yml',
    content: `title: SSH failed password (soak)
id: 7a1e2c3d-4b5f-4a6b-8c7d-9e0f1a2b3c4d
status: test
logsource:
    product: linux
    service: sshd
detection:
    keywords:
        - 'Failed password'
    condition: keywords
level: low
`,
  },
  {
    name: 'soak-windows-4625.yml',
    content: `title: Windows logon failure (soak)
id: 8b2f3d4e-5c6a-4b7c-9d8e-0f1a2b3c4d5e
status: test
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
level: low
`,
  },
];

interface Sample {
  readonly seconds: number;
  readonly rssMb: Record<'collector' | 'processor' | 'api', number>;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly acknowledged: number;
  readonly stored: number;
  readonly backlog: number;
  readonly perSecond: number;
}

async function api<T>(setup: PipelineEnv, route: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}${route}`, { ...init, headers: { ...setup.apiHeaders, ...(init.headers as Record<string, string> | undefined) } });
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every stored event (dead letters included: the load generator's lines all parse); a plain count is the store's cheapest query, so sampling it does not load the run. */
const storedCount = async (setup: PipelineEnv) => (await api<{ count: number }>(setup, '/api/v1/count?from=2000-01-01T00:00:00Z')).count;

async function eventLoopLag(setup: PipelineEnv): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`http://127.0.0.1:${setup.apiPort}/metrics`, { headers: setup.apiHeaders })).text();
  const stat = (name: string) => Number(new RegExp(`^siem_api_event_loop_lag_seconds\\{stat="${name}"\\} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  return { p99: stat('p99'), max: stat('max') };
}

/** The latest "acknowledged N" of loadgen's progress lines (a line a second on stderr). */
function acknowledgedSoFar(loadgen: AppProcess): number {
  for (let index = loadgen.stderr.length - 1; index >= 0; index -= 1) {
    const match = /acknowledged ([\d,]+)/.exec(loadgen.stderr[index] ?? '');
    if (match) return Number(match[1]!.replaceAll(',', ''));
  }
  return 0;
}

const megabytes = (pids: readonly number[]) => Math.round(pids.reduce((sum, pid) => sum + rssBytes(pid), 0) / 1024 / 1024);

async function startApps(env: Record<string, string>): Promise<AppProcess[]> {
  const collector = startApp('collector', env);
  const processor = startApp('processor', env);
  const apiApp = startApp('api', env);
  await collector.waitForLog('the collector to listen', (line) => line.msg === 'The collector is listening.', 180_000);
  await processor.waitForLog('a worker to consume', (line) => line.msg === 'The processor worker is consuming.', 180_000);
  await apiApp.waitForLog('the API to listen', (line) => line.msg === 'The API is listening.', 180_000);
  return [collector, processor, apiApp];
}

/** A line chart as SVG: one polyline per series over the samples' seconds. */
function lineChart(title: string, unit: string, samples: readonly Sample[], series: Record<string, (sample: Sample) => number>): string {
  const [width, height, left, bottom, top, right] = [900, 360, 70, 40, 40, 150];
  const maxX = Math.max(1, ...samples.map((sample) => sample.seconds));
  const values = Object.values(series).flatMap((value) => samples.map(value)).filter(Number.isFinite);
  const maxY = Math.max(1, ...values) * 1.1;
  const x = (seconds: number) => left + ((width - left - right) * seconds) / maxX;
  const y = (value: number) => height - bottom - ((height - bottom - top) * value) / maxY;
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const ticks = Array.from({ length: 5 }, (_, index) => (maxY * index) / 4);
  const lines = Object.entries(series).map(([name, value], index) => {
    const points = samples.filter((sample) => Number.isFinite(value(sample))).map((sample) => `${x(sample.seconds).toFixed(1)},${y(value(sample)).toFixed(1)}`);
    const colour = colours[index % colours.length];
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/><text x="${width - right + 10}" y="${top + 20 * index + 10}" fill="${colour}" font-size="13">${name}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16">${title}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#444"/><line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#444"/>`,
    ...ticks.map((tick) => `<text x="${left - 8}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick >= 100 ? Math.round(tick) : tick.toFixed(1)}</text><line x1="${left}" y1="${y(tick)}" x2="${width - right}" y2="${y(tick)}" stroke="#eee"/>`),
    `<text x="${(left + width - right) / 2}" y="${height - 8}" font-size="12" text-anchor="middle">seconds since the load started</text>`,
    `<text x="14" y="${top - 10}" font-size="12">${unit}</text>`,
    ...Array.from({ length: 6 }, (_, index) => (maxX * index) / 5).map((seconds) => `<text x="${x(seconds)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle">${Math.round(seconds)}</text>`),
    ...lines,
    '</svg>',
  ].join('\n');
}

function renderPng(svg: string, file: string, scratch: string): void {
  const svgFile = path.join(scratch, `${path.basename(file, '.png')}.svg`);
  writeFileSync(svgFile, svg);
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${file}`, '--window-size=900,360', `file://${svgFile}`], { stdio: 'ignore', timeout: 120_000 });
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'siem-soak-'));
  const infra = CLUSTER ? await ensureInfra() : undefined;
  const deployment: Deployment = infra ? { kind: 'cluster', kafkaBrokers: infra.kafkaBrokers, opensearchUrl: infra.opensearchUrl } : { kind: 'embedded', dataDir: path.join(scratch, 'data') };
  const setup = await deploymentEnv(deployment, { SIEM_PROCESSOR_WORKERS: '2', SIEM_RULES_POLL_MS: '1000' });
  const apps = await startApps(setup.env);
  const [collector, processor, apiApp] = apps as [AppProcess, AppProcess, AppProcess];
  const loadStart = { load: '', at: '' };
  try {
    const report = await api<{ imported: number; refused: number }>(setup, '/api/v1/rules/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files: RULES }) });
    if (report.imported !== RULES.length) throw new Error(`rules import: ${JSON.stringify(report)}`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    loadStart.load = execFileSync('cat', ['/proc/loadavg']).toString().trim();
    loadStart.at = new Date().toISOString();
    const loadgen = startCli(['loadgen', '--rate', String(RATE), '--via', 'http', '--mix', 'syslog,cef,json,windows', '--duration', `${MINUTES * 60}s`], setup.env);
    const started = performance.now();
    const samples: Sample[] = [];
    let previous = { stored: await storedCount(setup), at: started };
    const baseline = previous.stored;
    let loadgenDone = false;
    void loadgen.exited().then(() => (loadgenDone = true));
    let drainedAt: number | undefined;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const now = performance.now();
      // A count the API gives up on (its search budget) under a loaded machine skips this sample instead of ending the run.
      const counted = await storedCount(setup).catch((error: unknown) => {
        process.stderr.write(`A sample was skipped: ${String(error)}\n`);
        return undefined;
      });
      if (counted === undefined) {
        if (loadgenDone && now - started > MINUTES * 60_000 + DRAIN_LIMIT_MS) break;
        continue;
      }
      const stored = counted - baseline;
      const acknowledged = acknowledgedSoFar(loadgen);
      const lag = await eventLoopLag(setup);
      const sample: Sample = {
        seconds: Math.round((now - started) / 1000),
        rssMb: { collector: megabytes(processTree(collector.child.pid!)), processor: megabytes(processTree(processor.child.pid!)), api: megabytes(processTree(apiApp.child.pid!)) },
        loopP99Ms: lag.p99,
        loopMaxMs: lag.max,
        acknowledged,
        stored,
        backlog: Math.max(0, acknowledged - stored),
        perSecond: Math.round(((stored - (previous.stored - baseline)) * 1000) / (now - previous.at)),
      };
      previous = { stored: stored + baseline, at: now };
      samples.push(sample);
      process.stderr.write(`${JSON.stringify(sample)}\n`);
      if (loadgenDone && sample.backlog === 0) {
        drainedAt = now;
        break;
      }
      if (loadgenDone && now - started > MINUTES * 60_000 + DRAIN_LIMIT_MS) break;
    }
    const loadEnd = execFileSync('cat', ['/proc/loadavg']).toString().trim();
    const summary = (await loadgen.exited()) === 0 ? loadgen.stderr.filter((line) => line.trim().length > 0).at(-1) ?? '' : `loadgen failed: ${loadgen.stderr.slice(-3).join(' ')}`;
    const alerts = await api<{ total: number }>(setup, '/api/v1/alerts?size=1&from=2000-01-01T00:00:00Z').catch((error: unknown) => ({ total: Number.NaN, error: String(error) }));

    const last = samples.at(-1)!;
    const loadSeconds = MINUTES * 60;
    const during = samples.filter((sample) => sample.seconds <= loadSeconds);
    const fifth = (index: number) => during.filter((sample) => sample.seconds > (loadSeconds * index) / 5 && sample.seconds <= (loadSeconds * (index + 1)) / 5);
    const growth = (['collector', 'processor', 'api'] as const).map((role) => {
      const second = mean(fifth(1).map((sample) => sample.rssMb[role]));
      const final = mean(fifth(4).map((sample) => sample.rssMb[role]));
      return { role, second: Math.round(second), final: Math.round(final), ratio: final / second };
    });
    const drainSeconds = drainedAt === undefined ? undefined : Math.round((drainedAt - started) / 1000 - loadSeconds);
    const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
    const stamp = new Date().toISOString();
    const chart = (name: string) => `soak-${MODE}-${name}.png`;
    renderPng(lineChart('Resident memory per app', 'MiB', samples, { collector: (sample) => sample.rssMb.collector, 'processor (all)': (sample) => sample.rssMb.processor, api: (sample) => sample.rssMb.api }), path.join(RESULTS, chart('rss')), scratch);
    renderPng(lineChart('Searchable events per second, and backlog (acknowledged, not yet searchable)', 'events', samples, { 'events/s': (sample) => sample.perSecond, backlog: (sample) => sample.backlog }), path.join(RESULTS, chart('throughput')), scratch);
    renderPng(lineChart('API event-loop delay', 'ms', samples, { p99: (sample) => sample.loopP99Ms, max: (sample) => sample.loopMaxMs }), path.join(RESULTS, chart('event-loop')), scratch);
    const table = samples.filter((_, index) => index % 6 === 5 || index === samples.length - 1);
    const markdown = [
      `# soak, ${MODE}, ${stamp}`,
      '',
      `${MINUTES} minutes of \`siem loadgen --rate ${RATE} --via http --mix syslog,cef,json,windows\` into the ${MODE} deployment (collector, processor with 2 workers, API) with ${RULES.length} Sigma rules enabled (sshd failed password, Windows 4625), sampled every ${SAMPLE_MS / 1000} s. Load average at the start ${loadStart.load}, at the end ${loadEnd} (2 cores shared with other work). Backlog = events acknowledged to loadgen and not yet searchable (the consumers' lag plus indexing); the API is the only app that exports its event-loop delay.`,
      '',
      `loadgen: ${summary.trim()}`,
      '',
      '| check | bound | measured | result |',
      '|---|---|---|---|',
      ...growth.map((entry) => `| ${entry.role} resident memory, last fifth vs second fifth | ≤ ${GROWTH_BOUND}x | ${entry.second} → ${entry.final} MiB (${entry.ratio.toFixed(2)}x) | ${verdict(entry.ratio <= GROWTH_BOUND)} |`),
      `| backlog after the load ends | 0 within ${DRAIN_LIMIT_MS / 1000} s | ${drainSeconds === undefined ? `${last.backlog} left` : `0 after ${Math.max(0, drainSeconds)} s`} | ${verdict(drainSeconds !== undefined)} |`,
      `| acknowledged events searchable | all | ${last.stored} of ${last.acknowledged} | ${verdict(last.stored >= last.acknowledged)} |`,
      `| mean searchable events/s under load | — | ${Math.round(mean(during.map((sample) => sample.perSecond)))} (offered ${RATE}) | — |`,
      `| rule matches (alerts) | — | ${alerts.total} | — |`,
      '',
      `![resident memory](${chart('rss')})`,
      '',
      `![throughput and backlog](${chart('throughput')})`,
      '',
      `![API event-loop delay](${chart('event-loop')})`,
      '',
      '| s | collector MiB | processor MiB | API MiB | API loop p99 ms | API loop max ms | acknowledged | searchable | backlog | events/s |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...table.map((sample) => `| ${sample.seconds} | ${sample.rssMb.collector} | ${sample.rssMb.processor} | ${sample.rssMb.api} | ${sample.loopP99Ms.toFixed(1)} | ${sample.loopMaxMs.toFixed(1)} | ${sample.acknowledged} | ${sample.stored} | ${sample.backlog} | ${sample.perSecond} |`),
      '',
    ].join('\n');
    writeFileSync(path.join(RESULTS, `soak-${MODE}.md`), markdown);
    process.stdout.write(markdown);
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await setup.cleanup?.();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
