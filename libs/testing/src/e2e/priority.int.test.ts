import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { loadConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { createStore } from '@siem/store';
import { startApp } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type Deployment } from './pipeline-env';
import { sample, scrape } from './prometheus-text';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-priority-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Debug lines of a chatty PLC gateway (local4.debug): the low class. */
const FLOOD = 60_000;
const rulesFile = path.join(scratch, 'priority.json');
writeFileSync(
  rulesFile,
  JSON.stringify({
    high: [
      { name: 'severe', query: 'log.syslog.severity.code:[0 TO 3]' },
      { name: 'remote-login', query: 'process.name:sshd' },
    ],
  }),
);

async function sendTcp(port: number, text: string): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await new Promise<void>((resolve) => socket.end(text, resolve));
}

const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['Kafka and OpenSearch', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

describe.each(deployments)('priority classes, collector to store (%s)', (_name, deployment) => {
  it('priority – high-class events sent after a low-class flood reached the bus are stored before the flood drains, and the flood still arrives whole', async () => {
    const marker = `prio${Date.now().toString(36)}`;
    const setup = await deploymentEnv(deployment(), { SIEM_PRIORITY_RULES_FILE: rulesFile, SIEM_PROCESSOR_WORKERS: '1' });
    onTestFinished(() => setup.cleanup());
    // The processor starts only once the flood and the high-class lines are both waiting in the bus, so the
    // order in which it stores them shows its precedence and not how fast the machine drained the flood.
    const collector = startApp('collector', setup.env);
    let processor: ReturnType<typeof startApp> | undefined;
    const store = createStore(loadConfig(setup.env));
    try {
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      const count = (query: string) => store.count({ query: parseQuery(query) });

      // One day partition for both classes (the embedded store opens a new day's file when it first sees it).
      const now = new Date().toISOString();
      const flood = Array.from({ length: FLOOD }, (_, i) => `<167>1 ${now} plc-4 modbusd - - - poll ${i} ok ${marker}flood\n`).join('');
      await sendTcp(setup.syslogPort, flood);
      // The whole flood is in the bus before the first high-class line is sent.
      const metricsUrl = `http://127.0.0.1:${setup.metricsPort}/metrics`;
      await waitFor('the flood to be in the bus', async () => sample(await scrape(metricsUrl), 'siem_collector_produced_total', { input: 'syslog_tcp', path: 'direct' }) === FLOOD, 60_000, 100);

      // RFC 5424 section 6.5 example 1 (su, severity 2; dated now) and an OpenSSH failed login (auth.info, program sshd).
      const high = [
        `<34>1 ${now} mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8 ${marker}high\n`,
        `<86>1 ${now} bastion sshd 811 - - Failed password for root from 203.0.113.9 port 4711 ssh2 ${marker}high\n`,
      ];
      await sendTcp(setup.syslogPort, high.join(''));
      await waitFor('the high-class events to be in the bus', async () => sample(await scrape(metricsUrl), 'siem_collector_produced_total', { input: 'syslog_tcp', path: 'priority' }) === high.length, 60_000, 100);
      processor = startApp('processor', setup.env);
      await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.');
      await waitFor('the high-class events to be stored', async () => (await count(`${marker}high`)) === high.length, 60_000, 100);
      const floodStoredWhenHighWas = await count(`${marker}flood`);
      // Precedence, not speed: the high-class events sent after the flood overtook what was left of it.
      expect(floodStoredWhenHighWas).toBeLessThan(FLOOD);
      expect(await count(`${marker}high AND process.name:sshd AND log.syslog.severity.code:6`)).toBe(1);
      expect(sample(await scrape(metricsUrl), 'siem_collector_priority_total', { rule: 'severe', path: 'high' })).toBe(1);

      await waitFor('the whole flood to be stored', async () => (await count(`${marker}flood`)) === FLOOD, 180_000, 500);
    } finally {
      await Promise.all([collector.stop(), processor?.stop()]);
      await store.close();
    }
  });
});
