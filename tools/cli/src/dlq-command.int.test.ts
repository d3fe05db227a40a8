import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { createBus } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { createLogger } from '@siem/telemetry';
import { deploymentEnv, startApp, startCli, waitFor, type Deployment } from '@siem/testing';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-dlq-replay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LETTERS = 1000;
const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['Kafka', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

describe.each(deployments)('siem dlq replay (%s)', (_name, deployment) => {
  it('with unchanged parsers stops by itself, reports every letter failed again, and adds exactly one letter per event', async () => {
    // JSON lines sent to the CEF parser: every one is refused, before and after the replay.
    const setup = await deploymentEnv(deployment(), { SIEM_PARSERS: 'http_ndjson=cef', SIEM_PROCESSOR_WORKERS: '1' });
    onTestFinished(() => setup.cleanup());
    const bus = createBus(loadConfig(setup.env), createLogger('test', 'silent'), 'test');
    const dlqSize = async () => (await bus.positions(setup.deadLetterTopic, 'nobody')).reduce((total, p) => total + Number(p.end), 0);
    const collector = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    try {
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
      const body = Array.from({ length: LETTERS }, (_, i) => JSON.stringify({ message: `not cef ${i}` })).join('\n');
      expect((await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body })).status).toBe(200);
      await waitFor(`${LETTERS} dead letters`, async () => (await dlqSize()) === LETTERS, 90_000, 250);

      const replay = startCli(['dlq', 'replay', '--wait-seconds', '90'], setup.env);
      expect(await replay.exited()).toBe(0);
      const output = replay.stderr.join('');
      expect(output).toContain(`done: ${LETTERS} dead letters replayed, 0 left out by the filter, 0 unreadable, 0 of an event replayed already (of the ${LETTERS} read`);
      expect(output).toContain(`The processor handled every replayed event: ${LETTERS} failed again`);
      expect(output).toContain(`The dead-letter topic grew by ${LETTERS} while the replay ran`);
      expect(await dlqSize()).toBe(2 * LETTERS);
    } finally {
      expect(await Promise.all([collector.stop(), processor.stop()])).toEqual([0, 0]);
    }
  }, 300_000);
});
