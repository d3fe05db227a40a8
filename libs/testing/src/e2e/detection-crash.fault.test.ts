import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createKafka, ensureKafkaTopics, KafkaBusProducer } from '@siem/bus';
import { validateRule } from '@siem/rules';
import { OpenSearchDetectionStore, type RuleDocument } from '@siem/store';
import { createLogger } from '@siem/telemetry';
import { startApp, type AppProcess } from '../app-process';
import { SCRATCH_PREFIX, removeKafkaScratch } from '../scratch';
import { waitFor } from '../wait-for';
import { reportFault } from './fault-harness';
import { countDocuments } from './opensearch-http';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const TOTAL = 10_000;
const BATCH = 250;

const apps: AppProcess[] = [];
const setups: PipelineEnv[] = [];
let alertsTopic = '';
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  for (const setup of setups) {
    await setup.cleanup();
    await fetch(`${inject('opensearchUrl')}/${setup.indexPrefix.replace(/-$/, '')}.*?expand_wildcards=all`, { method: 'DELETE' });
  }
  if (alertsTopic) await removeKafkaScratch(inject('kafkaBrokers'), [alertsTopic]);
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

describe('detection crash safety', () => {
  it('raises exactly one alert per matching event when a worker is killed with SIGKILL mid-stream', async () => {
    const started = Date.now();
    alertsTopic = `${SCRATCH_PREFIX}.${Date.now().toString(36)}.alerts`;
    const setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'), { SIEM_PROCESSOR_CHUNK_SIZE: '250', SIEM_TOPIC_ALERTS: alertsTopic });
    setups.push(setup);
    const detection = new OpenSearchDetectionStore({ url: inject('opensearchUrl'), indexPrefix: setup.indexPrefix, replicas: 0 });
    await detection.ensureReady();
    const rule = validateRule({
      id: '9d1c2b3d-0000-4000-8000-000000000001',
      title: 'Whoami run',
      level: 'low',
      tags: ['attack.discovery', 'attack.t1033'],
      logsource: { product: 'windows', category: 'process_creation' },
      detection: { selection: { 'Image|endswith': '\\whoami.exe' }, condition: 'selection' },
    });
    await detection.saveRules([rule as unknown as RuleDocument]);
    await detection.close();
    const alertsIndex = `${setup.indexPrefix.replace(/-$/, '')}.alerts`;

    const logger = createLogger('fault-test', 'silent');
    const kafka = createKafka({ brokers: [inject('kafkaBrokers')], clientId: 'fault-test', logger });
    await ensureKafkaTopics(kafka, [{ topic: setup.rawTopic, partitions: 2, replicationFactor: 1 }]);
    const producer = new KafkaBusProducer(kafka);
    await producer.connect();

    const processor = startApp('processor', setup.env);
    apps.push(processor);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    let killedPid = 0;
    let alertsAtKill = -1;
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      // Sysmon event 1 as Winlogbeat ships it (field names from Microsoft's Sysmon documentation).
      const records = Array.from({ length: BATCH }, (_, i) => ({
        key: `host-${(sent + i) % 7}`,
        value: Buffer.from(
          JSON.stringify({
            '@timestamp': new Date().toISOString(),
            event: { sequence: sent + i },
            winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, computer_name: `host-${(sent + i) % 7}`, event_data: { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: `whoami ${sent + i}` } },
          }),
        ),
      }));
      await producer.send(setup.rawTopic, records);
      if (sent === TOTAL / 2) {
        await waitFor('some alerts before the kill', async () => (await countDocuments(inject('opensearchUrl'), alertsIndex)) > 0);
        const pids = workerPids(processor.child.pid!);
        expect(pids).toHaveLength(2);
        killedPid = pids[0]!;
        process.kill(killedPid, 'SIGKILL');
        alertsAtKill = await countDocuments(inject('opensearchUrl'), alertsIndex);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await producer.disconnect();

    expect(alertsAtKill).toBeGreaterThan(0);
    expect(alertsAtKill).toBeLessThan(TOTAL);
    await processor.waitForLog('the primary to notice the death', (l) => l.msg === 'A processor worker died; restarting it.' && l.workerPid === killedPid);
    const events = await waitFor(`all ${TOTAL} events indexed`, async () => {
      const count = await countDocuments(inject('opensearchUrl'), `${setup.indexPrefix}*`);
      return count >= TOTAL ? count : undefined;
    }, 180_000, 1_000);
    expect(events).toBe(TOTAL);
    // A redelivered chunk writes its alerts again under the same ids (rule id + event id): never more than one per event.
    const alerts = await waitFor(`${TOTAL} alerts`, async () => {
      const count = await countDocuments(inject('opensearchUrl'), alertsIndex);
      return count >= TOTAL ? count : undefined;
    }, 60_000, 1_000);
    await reportFault({
      fault: 'processor worker SIGKILLed mid-stream with a rule matching every event',
      deployment: 'cluster',
      sent: TOTAL,
      acknowledged: TOTAL,
      stored: events,
      lost: Math.max(0, TOTAL - events),
      duplicated: Math.max(0, events - TOTAL),
      alertsExpected: TOTAL,
      alertsFound: alerts,
      seconds: (Date.now() - started) / 1000,
      notes: `counted by document (ids are deterministic, so a redelivered event overwrites itself); ${alertsAtKill} alerts when the worker was killed`,
    });
    expect(alerts).toBe(TOTAL);
    expect(await processor.stop()).toBe(0);
  });
});
