import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { startApp, startCli, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type Deployment, type PipelineEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-dlq-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Hit {
  id: string;
  event: Record<string, any>;
}

async function search(setup: PipelineEnv, query: string): Promise<Hit[]> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=100&q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
  expect(response.status).toBe(200);
  return ((await response.json()) as { hits: Hit[] }).hits;
}

async function startProcessor(setup: PipelineEnv, parsers: string): Promise<AppProcess> {
  const processor = startApp('processor', { ...setup.env, SIEM_PARSERS: parsers });
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
  return processor;
}

const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['Kafka + OpenSearch', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

describe.each(deployments)('dead letters (%s)', (_name, deployment) => {
  it('are searchable with their reason, and `siem dlq replay` re-parses them in place after a parser fix', async () => {
    const setup = await deploymentEnv(deployment());
    onTestFinished(() => setup.cleanup());
    const marker = `dlq${setup.runId}`;
    const collector = startApp('collector', setup.env);
    const api = startApp('api', setup.env);
    // A misconfigured input: JSON senders routed to the syslog parser.
    let processor = await startProcessor(setup, 'http_ndjson=syslog');
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
    await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');

    const body = [0, 1, 2].map((n) => JSON.stringify({ message: `${marker} event ${n}`, user: { name: `user${n}` } })).join('\n');
    const posted = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
    expect(posted.status).toBe(200);

    const letters = await waitFor('three searchable dead letters', async () => {
      const hits = await search(setup, `event.kind:pipeline_error ${marker}`);
      return hits.length === 3 ? hits : undefined;
    }, 90_000, 500);
    for (const letter of letters) {
      expect(letter.event.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', type: 'syslog_rfc3164' });
      expect(letter.event.error.id).toMatch(/^[0-9a-f]{16}$/);
      expect(letter.event.siem.dead_letter).toMatchObject({ input: 'http_ndjson', origin: { topic: setup.rawTopic } });
      expect(letter.event.event.original).toContain(marker);
    }
    expect(new Set(letters.map((l) => l.event.error.id)).size).toBe(1);

    expect(await processor.stop()).toBe(0);
    processor = await startProcessor(setup, 'http_ndjson=json');
    const replay = startCli(['dlq', 'replay', '--parser', 'syslog_rfc3164'], setup.env);
    expect(await replay.exited()).toBe(0);
    expect(replay.stderr.join('')).toMatch(/done: 3 dead letters replayed, 0 left out by the filter/);
    expect(replay.stderr.join('')).toMatch(/The processor handled every replayed event: 0 failed again/);

    const parsed = await waitFor('the three events parsed as JSON', async () => {
      const hits = await search(setup, marker);
      return hits.length === 3 && hits.every((hit) => hit.event.event.kind !== 'pipeline_error') ? hits : undefined;
    }, 90_000, 500);
    expect(parsed.map((hit) => hit.event.user.name).sort()).toEqual(['user0', 'user1', 'user2']);
    expect(parsed.map((hit) => hit.id).sort()).toEqual(letters.map((hit) => hit.id).sort());
    expect(await search(setup, `event.kind:pipeline_error ${marker}`)).toEqual([]);

    expect(await Promise.all([collector.stop(), processor.stop(), api.stop()])).toEqual([0, 0, 0]);
  }, 240_000);
});
