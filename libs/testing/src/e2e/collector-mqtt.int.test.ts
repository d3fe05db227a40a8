import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { makeCertificates, type TestCertificates } from './collector-peers';
import { startMosquitto, type Mosquitto } from './mosquitto';
import { apiClient } from './api-client';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-mqtt-'));

let setup: PipelineEnv;
let broker: Mosquitto;
let certificates: TestCertificates;
let collector: AppProcess;
const others: AppProcess[] = [];

const { count, search } = apiClient(() => setup.apiPort, () => setup.apiHeaders);

async function startCollector(): Promise<AppProcess> {
  const app = startApp('collector', setup.env);
  await app.waitForLog('the MQTT subscription', (l) => l.msg === 'Subscribed to the MQTT topics.');
  return app;
}

const ndjson = (marker: string, count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ message: `${marker} number ${i}` })).join('\n');

beforeAll(async () => {
  certificates = makeCertificates(scratch);
  broker = await startMosquitto(scratch, { cert: certificates.serverCert, key: certificates.serverKey });
  setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') });
  setup = {
    ...setup,
    env: { ...setup.env, SIEM_MQTT_URL: broker.url, SIEM_MQTT_TOPICS: 'logs/#,edge/+/events', SIEM_MQTT_CLIENT_ID: `siem-test-${setup.runId}`, SIEM_PROCESSOR_WORKERS: '1' },
  };
  const processor = startApp('processor', setup.env);
  const api = startApp('api', setup.env);
  others.push(processor, api);
  collector = await startCollector();
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
  await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
});

afterAll(async () => {
  const codes = await Promise.all([collector, ...others].filter((app) => app !== undefined).map((app) => app.stop()));
  await broker?.stop();
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
});

describe('the MQTT input, against a real mosquitto', () => {
  it('indexes every QoS 1 message published by mosquitto_pub once, with its topic in mqtt.topic', async () => {
    const marker = `mqtt${setup.runId}`;
    await broker.publish('logs/plant-1/door', ['-l'], ndjson(marker, 200));
    await broker.publish('edge/gw-7/events', ['-m', JSON.stringify({ message: `${marker} from the gateway` })]);
    await broker.publish('not/subscribed', ['-m', JSON.stringify({ message: `${marker} never delivered` })]);
    await waitFor('201 events', async () => (await count(marker)) === 201);
    const hits = await search(`${marker} gateway`);
    expect(hits.map((hit) => hit.event.mqtt)).toEqual([{ topic: 'edge/gw-7/events' }]);
    expect((await search(`"${marker} number 17"`)).map((hit) => hit.event.mqtt.topic)).toEqual(['logs/plant-1/door']);
    expect(await count(`${marker} never`)).toBe(0);
  });

  it('delivers what was published while the collector was stopped once it is back (persistent session)', async () => {
    const marker = `offline${setup.runId}`;
    expect(await collector.stop()).toBe(0);
    await broker.publish('logs/queued', ['-l'], ndjson(marker, 50));
    collector = await startCollector();
    await waitFor('the 50 queued messages', async () => (await count(marker)) === 50);
    await broker.publish('logs/after', ['-m', JSON.stringify({ message: `${marker} after the restart` })]);
    await waitFor('the message after the restart', async () => (await count(`${marker} after`)) === 1);
    expect(await count(marker)).toBe(51);
  });

  it('keeps the subscription through invalid UTF-8 and a 10 MiB message, which become dead letters', async () => {
    const marker = `badmqtt${setup.runId}`;
    const invalid = path.join(scratch, 'invalid.bin');
    writeFileSync(invalid, Buffer.concat([Buffer.from(`{"message":"${marker} `), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    const huge = path.join(scratch, 'huge.bin');
    writeFileSync(huge, `${marker} ${'x'.repeat(10 * 1024 * 1024)}`);
    await broker.publish('logs/bad', ['-f', invalid]);
    await broker.publish('logs/bad', ['-f', huge]);
    await broker.publish('logs/bad', ['-m', JSON.stringify({ message: `${marker} still subscribed` })]);
    await waitFor('the message after the bad ones', async () => (await count(`${marker} still`)) === 1);
    const letters = await waitFor('two dead letters', async () => {
      const hits = await search('event.kind:pipeline_error siem.dead_letter.input:mqtt');
      return hits.length === 2 ? hits : undefined;
    });
    expect(letters.map((hit) => hit.event.error.code).sort()).toEqual(['SIEM_PARSE_INVALID_UTF8', 'SIEM_PARSE_UNKNOWN_FORMAT']);
    expect(collector.logs.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
  });

  it('subscribes over mqtts:// trusting the CA in SIEM_MQTT_CA_FILE, and refuses to start when that file is missing', async () => {
    const marker = `tls${setup.runId}`;
    const ports = { SIEM_COLLECTOR_METRICS_PORT: String(await freePort()) };
    const tlsEnv = { ...setup.env, ...ports, SIEM_COLLECTOR_LISTEN: 'false', SIEM_MQTT_URL: broker.tlsUrl!, SIEM_MQTT_TOPICS: 'secure/#', SIEM_MQTT_CLIENT_ID: `siem-tls-${setup.runId}` };
    const secure = startApp('collector', { ...tlsEnv, SIEM_MQTT_CA_FILE: certificates.ca });
    try {
      await secure.waitForLog('the MQTT subscription over TLS', (l) => l.msg === 'Subscribed to the MQTT topics.');
      await broker.publish('secure/vault', ['-m', JSON.stringify({ message: `${marker} over TLS` })]);
      await waitFor('the message received over TLS', async () => (await count(marker)) === 1);
      expect((await search(marker))[0]!.event.mqtt.topic).toBe('secure/vault');
    } finally {
      expect(await secure.stop(), JSON.stringify(secure.logs.slice(-8)) + secure.stderr.join('')).toBe(0);
    }

    const missing = startApp('collector', { ...tlsEnv, SIEM_MQTT_CA_FILE: path.join(scratch, 'no-such-ca.pem') });
    expect(await missing.exited()).toBe(1);
    expect(JSON.stringify(missing.logs.find((l) => l.level === 60))).toContain('SIEM_COLLECTOR_MQTT_CA_UNREADABLE');
  });
});
