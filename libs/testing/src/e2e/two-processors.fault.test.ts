import { execFileSync } from 'node:child_process';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { faultScale, kafkaSink, reportFault, saveFaultRule, settleAndCount, SteadyStream } from './fault-harness';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';
import { sample, scrape } from './prometheus-text';

const TOTAL = faultScale(12_000, 120_000);
const EVENTS_PER_SECOND = faultScale(500, 1_500);
// A member silent this long loses its partitions: short, so the survivor takes over within the case's time.
const SESSION_TIMEOUT_MS = 10_000;

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all(setups.map((setup) => setup.cleanup()));
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

/** The partitions of `topic` each live member of the group holds, as the group coordinator tells them. */
async function assignments(brokers: string, groupId: string, topic: string): Promise<number[][]> {
  const admin = new kafkajs.Kafka({ clientId: 'siem-fault-admin', brokers: [brokers], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((member) => {
      const assignment = kafkajs.AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      return [...(assignment?.assignment[topic] ?? [])].sort();
    });
  } finally {
    await admin.disconnect();
  }
}

const indexedBy = async (metricsPort: number): Promise<number> => sample(await scrape(`http://127.0.0.1:${metricsPort}/metrics`), 'siem_processor_indexed_total') ?? 0;

describe('two processor instances in one consumer group', () => {
  it('share the partitions; when one is killed (primary and workers, as a host lost) the other takes its partitions, and counts stay exact', async () => {
    const opensearchUrl = inject('opensearchUrl');
    const started = Date.now();
    const setup = await pipelineEnv(inject('kafkaBrokers'), opensearchUrl, {
      SIEM_RULES_POLL_MS: '500',
      SIEM_PROCESSOR_WORKERS: '1',
      SIEM_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      SIEM_KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
    });
    setups.push(setup);
    await saveFaultRule(opensearchUrl, setup.indexPrefix);
    const sender = await kafkaSink(inject('kafkaBrokers'), setup.rawTopic);
    // Two hosts: each its own primary and metrics port, one worker each, one partition each.
    const ports = [await freePort(), await freePort()];
    const [doomed, survivor] = ports.map((port) => startApp('processor', { ...setup.env, SIEM_PROCESSOR_METRICS_PORT: String(port) }));
    apps.push(doomed!, survivor!);
    await Promise.all([doomed!, survivor!].map((instance) => instance.waitForLog('its worker to consume', (l) => l.msg === 'The processor worker is consuming.', 180_000)));

    expect(await waitFor('one partition per instance', async () => {
      const held = await assignments(inject('kafkaBrokers'), setup.consumerGroup, setup.rawTopic);
      return held.length === 2 && held.every((partitions) => partitions.length === 1) ? held : undefined;
    }, 30_000, 500)).toHaveLength(2);
    const stream = new SteadyStream(sender.sink, { runId: setup.runId, total: TOTAL, eventsPerSecond: EVENTS_PER_SECOND, batch: 200 });
    await waitFor('both instances to index their share', async () => (await indexedBy(ports[0]!)) > 0 && (await indexedBy(ports[1]!)) > 0, 90_000, 500);
    const shareBefore = [await indexedBy(ports[0]!), await indexedBy(ports[1]!)];
    const killedPids = [doomed!.child.pid!, ...workerPids(doomed!.child.pid!)];
    for (const pid of killedPids) process.kill(pid, 'SIGKILL');
    await doomed!.exited();
    const killedAt = Date.now();
    const survivorAtKill = await indexedBy(ports[1]!);
    // The coordinator drops the silent member after the session timeout and gives the survivor both partitions.
    const takenOver = await waitFor('the survivor to hold both partitions', async () => {
      const held = await assignments(inject('kafkaBrokers'), setup.consumerGroup, setup.rawTopic);
      return held.length === 1 && held[0]!.length === 2 ? Date.now() : undefined;
    }, 60_000, 500);
    await stream.finished();
    await sender.close();
    const counts = await settleAndCount(opensearchUrl, setup.indexPrefix, stream, 180_000);
    const survivorAfter = await indexedBy(ports[1]!);
    await reportFault({
      fault: 'two processor instances in one group, one SIGKILLed (primary and workers) under load',
      deployment: 'cluster',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `indexed before the kill: ${shareBefore.join(' and ')}; the survivor indexed ${survivorAfter - survivorAtKill} after it, it held both partitions ${((takenOver - killedAt) / 1000).toFixed(0)} s after the kill (session timeout ${SESSION_TIMEOUT_MS / 1000} s)`,
    });
    expect(counts.acknowledged).toBe(TOTAL);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(shareBefore.every((share) => share > 0)).toBe(true);
    expect(await survivor!.stop()).toBe(0);
  }, 600_000);
});
