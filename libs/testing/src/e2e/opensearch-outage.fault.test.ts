import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { cuttableProxy, type CuttableProxy } from './cuttable-proxy';
import { faultScale, kafkaSink, reportFault, saveFaultRule, settleAndCount, SteadyStream } from './fault-harness';
import { countDocuments } from './opensearch-http';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const OUTAGE_MS = faultScale(20_000, 60_000);
const EVENTS_PER_SECOND = faultScale(500, 1_500);
const TOTAL = Math.round((EVENTS_PER_SECOND * (OUTAGE_MS + 15_000)) / 1000);
/** What the processor (primary and two workers) may grow by while OpenSearch is away: a fetched batch per partition, not the backlog. */
const RSS_GROWTH_BOUND_MB = 256;

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
let proxy: CuttableProxy | undefined;
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  // The run's indices are deleted through the proxy, so it closes last.
  await Promise.all(setups.map((setup) => setup.cleanup()));
  await proxy?.close();
});

/** Resident memory of a process and its node children, in MiB. */
function rssMb(primaryPid: number): number {
  const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(primaryPid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => Number(pid) > 0 && command === 'node')
    .map(([pid]) => Number(pid));
  let kib = 0;
  for (const pid of [primaryPid, ...children]) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // A process that exited between ps and the read holds no memory.
    }
  }
  return kib / 1024;
}

/** Messages the group has committed on the topic (the sum of each partition's next offset). */
async function committed(admin: kafkajs.Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
}

describe('OpenSearch unreachable', () => {
  it(`pauses consumption for ${OUTAGE_MS / 1000} s with bounded memory, commits nothing it did not index, and stores every event once afterwards`, async () => {
    const opensearchUrl = inject('opensearchUrl');
    const target = new URL(opensearchUrl);
    proxy = await cuttableProxy(target.hostname, Number(target.port));
    const started = Date.now();
    // The processor reaches OpenSearch only through the proxy; the test reads OpenSearch directly.
    const setup = await pipelineEnv(inject('kafkaBrokers'), `http://127.0.0.1:${proxy.port}`, { SIEM_RULES_POLL_MS: '500' });
    setups.push(setup);
    await saveFaultRule(opensearchUrl, setup.indexPrefix);
    const sender = await kafkaSink(inject('kafkaBrokers'), setup.rawTopic);
    const admin = new kafkajs.Kafka({ clientId: 'siem-fault-admin', brokers: [inject('kafkaBrokers')], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const processor = startApp('processor', setup.env);
      apps.push(processor);
      await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);
      const stream = new SteadyStream(sender.sink, { runId: setup.runId, total: TOTAL, eventsPerSecond: EVENTS_PER_SECOND, batch: 200 });
      const indexed = () => countDocuments(opensearchUrl, `${setup.indexPrefix}*`);
      await waitFor('events indexed before the outage', async () => (await indexed()) > EVENTS_PER_SECOND, 60_000, 500);
      const rssBefore = rssMb(processor.child.pid!);

      await proxy.cut();
      const cutAt = Date.now();
      const samples: { rss: number; committed: number; indexed: number }[] = [];
      while (Date.now() - cutAt < OUTAGE_MS) {
        // Committed offsets first: anything committed must already be in the index when it is counted next.
        const commit = await committed(admin, setup.consumerGroup, setup.rawTopic);
        samples.push({ committed: commit, indexed: await indexed(), rss: rssMb(processor.child.pid!) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      await proxy.restore();
      const restoredAt = Date.now();
      await waitFor('indexing to resume', async () => (await indexed()) > samples[samples.length - 1]!.indexed, 90_000, 500);
      const resumedAfterMs = Date.now() - restoredAt;
      await stream.finished();
      await sender.close();
      const counts = await settleAndCount(opensearchUrl, setup.indexPrefix, stream, 180_000);
      const maxRss = Math.max(...samples.map((s) => s.rss));
      const backlog = stream.acknowledged.length;
      await reportFault({
        fault: `OpenSearch unreachable for ${OUTAGE_MS / 1000} s (connections reset and refused)`,
        deployment: 'cluster',
        ...counts,
        seconds: (Date.now() - started) / 1000,
        notes: `processor RSS ${rssBefore.toFixed(0)} MiB before, at most ${maxRss.toFixed(0)} during; committed ≤ indexed in all ${samples.length} samples; indexing resumed ${(resumedAfterMs / 1000).toFixed(1)} s after OpenSearch came back`,
      });
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) expect(sample.committed).toBeLessThanOrEqual(sample.indexed);
      expect(maxRss - rssBefore).toBeLessThan(RSS_GROWTH_BOUND_MB);
      expect(counts.acknowledged).toBe(backlog);
      expect(counts.lost).toBe(0);
      expect(counts.duplicated).toBe(0);
      expect(counts.alertsFound).toBe(counts.alertsExpected);
      expect(await processor.stop()).toBe(0);
    } finally {
      await admin.disconnect();
    }
  }, 600_000);
});
