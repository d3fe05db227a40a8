import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { startMosquitto, type Mosquitto } from './mosquitto';
import { deploymentEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-mqtt-fault-'));
const apps: AppProcess[] = [];
let broker: Mosquitto | undefined;
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{input="mqtt"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('the MQTT input when the collector is killed', () => {
  it('loses no message it had not acknowledged: the broker sends them again after the restart', async () => {
    const mosquitto = await startMosquitto(scratch);
    broker = mosquitto;
    const setup = await deploymentEnv(
      { kind: 'embedded', dataDir: path.join(scratch, 'data') },
      // A long linger keeps records waiting for the bus, so the kill lands while messages are unacknowledged.
      { SIEM_PROCESSOR_WORKERS: '1', SIEM_BATCH_LINGER_MS: '300' },
    );
    const env = { ...setup.env, SIEM_MQTT_URL: mosquitto.url, SIEM_MQTT_CLIENT_ID: `siem-fault-${setup.runId}` };
    const startCollector = async () => {
      const collector = startApp('collector', env);
      apps.push(collector);
      await collector.waitForLog('the MQTT subscription', (l) => l.msg === 'Subscribed to the MQTT topics.');
      return collector;
    };
    const processor = startApp('processor', env);
    const api = startApp('api', env);
    apps.push(processor, api);
    const first = await startCollector();

    const marker = `kill${setup.runId}`;
    const total = 800;
    const expected = Array.from({ length: total }, (_, i) => `${marker} number ${i}`);
    await mosquitto.publish('logs/fault', ['-l'], expected.map((message) => JSON.stringify({ message })).join('\n'));
    await waitFor('some messages received', async () => (await metric(setup.metricsPort, 'siem_collector_received_total')) >= 100, 30_000, 20);
    expect(await metric(setup.metricsPort, 'siem_collector_produced_total')).toBeLessThan(total);
    await first.stop(0, 'SIGKILL');

    await startCollector();
    await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
    await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
    await waitFor(`all ${total} messages`, async () => {
      const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=1000&q=${encodeURIComponent(marker)}`, { headers: setup.apiHeaders });
      const { hits } = (await response.json()) as { hits: { event: { message: string } }[] };
      return new Set(hits.map((hit) => hit.event.message)).size === total;
    }, 90_000, 500);
  });
});
