import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createKafka, ensureKafkaTopics, KafkaBusProducer } from '@siem/bus';
import { createLogger } from '@siem/telemetry';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { reportFault } from './fault-harness';
import { collectField, countDocuments } from './opensearch-http';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const TOTAL = 50_000;
const BATCH = 1_000;

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

describe('processor crash safety', () => {
  it('restarts a worker killed with SIGKILL mid-stream and ends with every event indexed exactly once', async () => {
    const started = Date.now();
    const setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'), { SIEM_PROCESSOR_CHUNK_SIZE: '250' });
    setups.push(setup);
    const logger = createLogger('fault-test', 'silent');
    const kafka = createKafka({ brokers: [inject('kafkaBrokers')], clientId: 'fault-test', logger });
    await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: 2, replicationFactor: 1 }]);
    const producer = new KafkaBusProducer(kafka);
    await producer.connect();

    const processor = startApp('processor', setup.env);
    apps.push(processor);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    let killedPid = 0;
    let countAtKill = -1;
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      const records = Array.from({ length: BATCH }, (_, i) => ({
        key: `host-${(sent + i) % 7}`,
        value: Buffer.from(JSON.stringify({ message: `event ${sent + i}`, event: { sequence: sent + i }, host: { name: `host-${(sent + i) % 7}` } })),
      }));
      await producer.send(setup.rawTopic, records);
      if (sent === TOTAL / 2) {
        await waitFor('some events to be indexed before the kill', async () => (await countDocuments(inject('opensearchUrl'), `${setup.indexPrefix}*`)) > 0);
        const pids = workerPids(processor.child.pid!);
        expect(pids).toHaveLength(2);
        killedPid = pids[0]!;
        process.kill(killedPid, 'SIGKILL');
        countAtKill = await countDocuments(inject('opensearchUrl'), `${setup.indexPrefix}*`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await producer.disconnect();

    expect(countAtKill).toBeGreaterThan(0);
    expect(countAtKill).toBeLessThan(TOTAL);
    await processor.waitForLog('the primary to notice the death', (l) => l.msg === 'A processor worker died; restarting it.' && l.workerPid === killedPid);
    await waitFor('the restarted worker', () => workerPids(processor.child.pid!).length === 2 && !workerPids(processor.child.pid!).includes(killedPid));

    const final = await waitFor(
      `all ${TOTAL} events in OpenSearch`,
      async () => {
        const count = await countDocuments(inject('opensearchUrl'), `${setup.indexPrefix}*`);
        return count >= TOTAL ? count : undefined;
      },
      180_000,
      1_000,
    );
    const { ids, values } = await collectField(inject('opensearchUrl'), `${setup.indexPrefix}*`, 'event.sequence');
    const distinct = new Set(values);
    await reportFault({
      fault: 'processor worker SIGKILLed mid-stream, restarted by the primary',
      deployment: 'cluster',
      sent: TOTAL,
      acknowledged: TOTAL,
      stored: final,
      lost: Array.from({ length: TOTAL }, (_, i) => i).filter((seq) => !distinct.has(seq)).length,
      duplicated: values.length - distinct.size + (ids.length - new Set(ids).size),
      alertsExpected: 0,
      alertsFound: 0,
      seconds: (Date.now() - started) / 1000,
      notes: `events produced straight to Kafka, no rule (detection-crash covers alerts); ${countAtKill} indexed when the worker was killed`,
    });
    expect(final).toBe(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(values).toEqual(Array.from({ length: TOTAL }, (_, i) => i));

    expect(await processor.stop()).toBe(0);
  });
});
