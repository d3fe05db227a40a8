import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scratchKafka, type ScratchKafka } from '@siem/infra';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { faultScale, httpIngestSink, reportFault, saveFaultRule, settleAndCount, SteadyStream } from './fault-harness';
import { countDocuments } from './opensearch-http';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';
import { sample, scrape } from './prometheus-text';

const RESTARTS = faultScale(2, 4);
const OUTAGE_MS = faultScale(8_000, 30_000);
const EVENTS_PER_SECOND = faultScale(100, 300);

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
let kafka: ScratchKafka | undefined;
let stateDir: string | undefined;

/** A broker port whose next port (the controller's) is free too. */
async function kafkaPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port + 1, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

// A Kafka of its own: stopping the shared one would break every other test running against it.
beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'siem-kafka-restarts-'));
  kafka = await scratchKafka({ port: await kafkaPort(), stateDir: path.join(stateDir, 'kafka') });
  await kafka.start();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await kafka?.stop(10_000);
  for (const setup of setups) await setup.cleanup().catch(() => undefined);
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('Kafka restarts', () => {
  it(`keeps consuming after the broker is stopped and started ${RESTARTS} times in a row, with every acknowledged event stored once and every alert raised once`, async () => {
    const broker = kafka!;
    const opensearchUrl = inject('opensearchUrl');
    const started = Date.now();
    const setup = await pipelineEnv(broker.brokers, opensearchUrl, { SIEM_DATA_DIR: path.join(stateDir!, 'data'), SIEM_RULES_POLL_MS: '500' });
    setups.push(setup);
    await saveFaultRule(opensearchUrl, setup.indexPrefix);
    const collector = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    apps.push(collector, processor);
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.', 180_000);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    const stream = new SteadyStream(httpIngestSink(setup.httpPort), { runId: setup.runId, total: Number.MAX_SAFE_INTEGER, eventsPerSecond: EVENTS_PER_SECOND, batch: 50 });
    const indexed = () => countDocuments(opensearchUrl, `${setup.indexPrefix}*`);
    for (let restart = 1; restart <= RESTARTS; restart++) {
      const before = await waitFor(`events indexed before stop ${restart}`, async () => {
        const count = await indexed();
        return count > 0 ? count : undefined;
      }, 60_000, 500);
      expect(await broker.stop()).toBe('terminated');
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await broker.start();
      // Consuming again means new events reach the index after the restart, not only those in flight before it.
      await waitFor(`the processor to index again after restart ${restart}`, async () => (await indexed()) > before + EVENTS_PER_SECOND * 2, 90_000, 500).catch((error: Error) => {
        throw new Error(`${error.message}; processor log: ${JSON.stringify(processor.logs.filter((l) => (l.level ?? 0) >= 40).slice(-10))}`);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await stream.stop();
    const counts = await settleAndCount(opensearchUrl, setup.indexPrefix, stream);
    const crashes = processor.logs.filter((l) => l.msg === 'The Kafka consumer stopped on an error kafkajs does not retry; it is started again.');
    const crashErrors = [...new Set(crashes.map((l) => `${(l.err as { type?: string } | undefined)?.type}: ${(l.err as { message?: string } | undefined)?.message}`))];
    await reportFault({
      fault: `Kafka broker stopped ${OUTAGE_MS / 1000} s and restarted, ${RESTARTS} times`,
      deployment: 'cluster',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `collector spools while the broker is down; the consumer started itself again after ${crashes.length} crash(es) kafkajs would not restart${crashErrors.length ? ` (${crashErrors.join('; ')})` : ''}`,
    });
    expect(counts.acknowledged).toBeGreaterThan(0);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await collector.stop()).toBe(0);
    expect(await processor.stop()).toBe(0);
  }, faultScale(600_000, 1_800_000));

  it('delivers once the records a collector SIGKILLed during a Kafka outage held in its disk spool, after both are back', async () => {
    const broker = kafka!;
    const opensearchUrl = inject('opensearchUrl');
    const started = Date.now();
    const setup = await pipelineEnv(broker.brokers, opensearchUrl, { SIEM_DATA_DIR: path.join(stateDir!, 'spool-data'), SIEM_RULES_POLL_MS: '500' });
    setups.push(setup);
    await saveFaultRule(opensearchUrl, setup.indexPrefix);
    const metricsUrl = `http://127.0.0.1:${setup.metricsPort}/metrics`;
    const first = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    apps.push(first, processor);
    await first.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.', 180_000);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    const stream = new SteadyStream(httpIngestSink(setup.httpPort), { runId: setup.runId, total: Number.MAX_SAFE_INTEGER, eventsPerSecond: EVENTS_PER_SECOND, batch: 50 });
    await waitFor('events indexed before the outage', async () => (await countDocuments(opensearchUrl, `${setup.indexPrefix}*`)) > 0, 60_000, 500);
    expect(await broker.stop()).toBe('terminated');
    await first.waitForLog('the collector to switch to the spool', (l) => l.msg?.startsWith('The bus is unreachable; records go to the disk spool') === true, 30_000);
    const spooledAtKill = await waitFor('a few seconds of events in the spool', async () => {
      const spooled = sample(await scrape(metricsUrl), 'siem_collector_spool_records', { input: 'http_ndjson' }) ?? 0;
      return spooled >= EVENTS_PER_SECOND * 3 ? spooled : undefined;
    }, 60_000, 200);
    await first.stop(0, 'SIGKILL');
    await broker.start();
    const second = startApp('collector', setup.env);
    apps.push(second);
    const recovered = await second.waitForLog('the spool from the killed run', (l) => l.msg === 'The spool holds records from an earlier run; they are sent before new ones.', 60_000);
    await second.waitForLog('the spool to be replayed', (l) => l.msg === 'The disk spool is replayed; records go straight to the bus again.', 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await stream.stop();
    const counts = await settleAndCount(opensearchUrl, setup.indexPrefix, stream);
    await reportFault({
      fault: 'collector SIGKILLed while its disk spool held records (Kafka stopped), both restarted',
      deployment: 'cluster',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `${spooledAtKill} records in the spool at the kill, ${String(recovered.records)} found by the restarted collector; ${counts.sent - counts.acknowledged} refused (not acknowledged) while it was down`,
    });
    expect(recovered.records).toBeGreaterThanOrEqual(spooledAtKill);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await second.stop()).toBe(0);
    expect(await processor.stop()).toBe(0);
  }, 600_000);
});
