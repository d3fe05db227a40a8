import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { faultScale, httpIngestSink, kafkaSink, reportFault, saveFaultRule, settleAndCount, settleAndCountEmbedded, SteadyStream } from './fault-harness';
import { countDocuments } from './opensearch-http';
import { deploymentEnv, pipelineEnv, type PipelineEnv } from './pipeline-env';

const TOTAL = faultScale(12_000, 120_000);
const EVENTS_PER_SECOND = faultScale(600, 1_500);
const KILLS = faultScale(1, 3);

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-primary-fault-'));
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all(setups.map((setup) => setup.cleanup()));
  rmSync(scratch, { recursive: true, force: true });
});

/** The primary's node children; tsx's esbuild service is a child too and is left out. */
function workerPids(primaryPid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(primaryPid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => Number(pid) > 0 && command === 'node')
    .map(([pid]) => Number(pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The lines worth reading when a case fails: warnings and errors, and what the workers said when stopping. */
const notable = (app: AppProcess) => JSON.stringify(app.logs.filter((l) => (l.level ?? 0) >= 40 || /stop|primary/i.test(l.msg ?? '')).slice(-15));

async function consumingProcessor(env: Record<string, string>, previous?: AppProcess): Promise<AppProcess> {
  const processor = startApp('processor', env);
  apps.push(processor);
  await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000).catch((error: Error) => {
    throw new Error(`${error.message}; this processor said ${notable(processor)}; the killed one said ${previous ? notable(previous) : '-'}`);
  });
  return processor;
}

describe('processor primary killed', () => {
  it(`leaves no orphaned worker after SIGKILL of the primary (${KILLS} times), and the restarted processor stores every acknowledged event once and raises every alert once`, async () => {
    const opensearchUrl = inject('opensearchUrl');
    const started = Date.now();
    const setup = await pipelineEnv(inject('kafkaBrokers'), opensearchUrl, { SIEM_RULES_POLL_MS: '500' });
    setups.push(setup);
    await saveFaultRule(opensearchUrl, setup.indexPrefix);
    const sender = await kafkaSink(inject('kafkaBrokers'), setup.rawTopic);
    let processor = await consumingProcessor(setup.env);
    const stream = new SteadyStream(sender.sink, { runId: setup.runId, total: TOTAL, eventsPerSecond: EVENTS_PER_SECOND, batch: 200 });

    const orphanExitMs = await killPrimaries(() => processor, async (previous) => (processor = await consumingProcessor(setup.env, previous)), () => countDocuments(opensearchUrl, `${setup.indexPrefix}*`));
    await stream.finished();
    await sender.close();
    const counts = await settleAndCount(opensearchUrl, setup.indexPrefix, stream, 180_000);
    await reportFault({
      fault: `processor primary SIGKILLed ${KILLS} time(s) mid-stream, then restarted`,
      deployment: 'cluster',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `events produced straight to Kafka; the killed primary's 2 workers exited ${orphanExitMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after the kill`,
    });
    expect(counts.acknowledged).toBe(TOTAL);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await processor.stop()).toBe(0);
  }, 600_000);

  it('on the embedded default too: no worker outlives the killed primary, the restarted one takes the partitions back, and counts stay exact', async () => {
    const started = Date.now();
    const dataDir = path.join(scratch, 'embedded');
    const setup = await deploymentEnv({ kind: 'embedded', dataDir });
    await saveFaultRule({ dataDir });
    const collector = startApp('collector', { ...setup.env, SIEM_RULES_POLL_MS: '500' });
    apps.push(collector);
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.', 180_000);
    let processor = await consumingProcessor({ ...setup.env, SIEM_RULES_POLL_MS: '500' });
    const stream = new SteadyStream(httpIngestSink(setup.httpPort), { runId: setup.runId, total: TOTAL, eventsPerSecond: EVENTS_PER_SECOND, batch: 200 });
    const orphanExitMs = await killPrimaries(() => processor, async (previous) => (processor = await consumingProcessor({ ...setup.env, SIEM_RULES_POLL_MS: '500' }, previous)), async () => (await settleAndCountEmbedded(dataDir, stream, 0)).stored);
    await stream.finished();
    const counts = await settleAndCountEmbedded(dataDir, stream, 180_000);
    await reportFault({
      fault: `processor primary SIGKILLed ${KILLS} time(s) mid-stream, then restarted`,
      deployment: 'embedded',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `events sent to the collector's HTTP ingest; the killed primary's 2 workers exited ${orphanExitMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} after the kill`,
    });
    expect(counts.acknowledged).toBeGreaterThan(0);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await processor.stop()).toBe(0);
    expect(await collector.stop()).toBe(0);
  }, 600_000);
});

/**
 * Kills the running processor's primary with SIGKILL KILLS times, each once more events were stored,
 * checks that its workers exit with it, and starts the next one; resolves with how long each took.
 */
async function killPrimaries(current: () => AppProcess, restart: (previous: AppProcess) => Promise<unknown>, stored: () => Promise<number>): Promise<number[]> {
  const orphanExitMs: number[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    const processor = current();
    const storedBefore = await stored();
    await waitFor(`events stored before kill ${kill}`, async () => (await stored()) > storedBefore, 60_000, 500);
    const workers = workerPids(processor.child.pid!);
    expect(workers).toHaveLength(2);
    processor.child.kill('SIGKILL');
    const killedAt = Date.now();
    await processor.exited();
    // Node's cluster workers exit when the IPC channel to their primary closes: none may outlive it and hold its partitions.
    await waitFor(`the workers of killed primary ${kill} to exit`, () => workers.every((pid) => !isAlive(pid)), 45_000, 100);
    orphanExitMs.push(Date.now() - killedAt);
    await restart(processor);
  }
  return orphanExitMs;
}
