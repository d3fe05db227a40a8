import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { loadConfig } from '@siem/config';
import { parseQuery } from '@siem/query';
import { createStore } from '@siem/store';
import { startApp, startCli, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type Deployment } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-replay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EVENTS = 300;
const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['Kafka + OpenSearch', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

describe.each(deployments)('siem replay (%s)', (name, deployment) => {
  it('replay – after a parser change, the range\'s events are rewritten with the new fields under the same ids, and the count is unchanged', async () => {
    const parsers = path.join(scratch, `parsers-${name.length}.json`);
    const useNamespace = (namespace: string) => writeFileSync(parsers, JSON.stringify({ http_ndjson: { parser: 'json', options: { namespace } } }));
    useNamespace('before');
    const setup = await deploymentEnv(deployment(), { SIEM_PARSERS_FILE: parsers, SIEM_PROCESSOR_WORKERS: '1' });
    onTestFinished(() => setup.cleanup());
    const store = createStore(loadConfig(setup.env));
    const refresh = async () => {
      if (setup.env.SIEM_OPENSEARCH_URL) await fetch(`${setup.env.SIEM_OPENSEARCH_URL}/${setup.indexPrefix}*/_refresh`, { method: 'POST' });
    };
    const count = async (query: string) => (await refresh(), store.count({ query: parseQuery(query) }));
    const ids = async () => (await refresh(), (await store.search({ query: parseQuery('message:order'), size: EVENTS + 100 })).hits.map((hit) => hit.id).sort());
    const collector = startApp('collector', setup.env);
    let processor: AppProcess = startApp('processor', setup.env);
    try {
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
      const sentAt = Date.now();
      const body = Array.from({ length: EVENTS }, (_, i) => JSON.stringify({ message: `order ${i}`, shop: 'north' })).join('\n');
      expect((await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })).status).toBe(200);
      await waitFor(`${EVENTS} events parsed the first way`, async () => (await count('before.shop:north')) === EVENTS, 90_000, 500);
      const idsBefore = await ids();
      expect(idsBefore).toHaveLength(EVENTS);

      // The parser change: custom keys move to another namespace, in force after a processor restart.
      await processor.stop();
      useNamespace('after');
      processor = startApp('processor', setup.env);
      await processor.waitForLog('a worker to consume again', (l) => l.msg === 'The processor worker is consuming.', 90_000);

      const replay = startCli(['replay', '--from', new Date(sentAt - 60_000).toISOString(), '--to', new Date(Date.now()).toISOString()], setup.env);
      expect(await replay.exited()).toBe(0);
      expect(replay.stderr.join('')).toContain(`replayed ${EVENTS} records`);

      await waitFor('every event rewritten the new way', async () => (await count('after.shop:north')) === EVENTS && (await count('before.shop:north')) === 0, 90_000, 500);
      expect(await count('message:order')).toBe(EVENTS);
      expect(await ids()).toEqual(idsBefore);
    } finally {
      await Promise.all([collector.stop(), processor.stop()]);
      await store.close();
    }
  });
});
