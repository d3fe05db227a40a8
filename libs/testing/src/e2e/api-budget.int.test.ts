import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { createStore } from '@siem/store';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type Deployment, type PipelineEnv } from './pipeline-env';

// Issue 10: one search must not take the API down. Each query below once sent the query
// parser into an endless loop that ate the heap until the process died. The real API
// process, on each store, must answer each with a result or a 400, keep answering
// /healthz meanwhile, and stay within a bounded memory.
const HOSTILE_QUERIES = ['@timestamp:2026-12-04T10:00:00Z', ':foo', 'source.ip:2001:db8::5', 'url.original:http://x/', 'a::b'];
const RSS_LIMIT_MB = 500;
const HEALTH_TIMEOUT_MS = 2000;

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-api-budget-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(line![1]) / 1024;
}

/** Events that the hostile queries, once parsed, are about. */
async function seed(setup: PipelineEnv): Promise<void> {
  const store = createStore(loadConfig(setup.env));
  await store.ensureReady();
  const events = [
    { '@timestamp': '2026-12-04T10:00:00.000Z', message: 'GET http://x/ from 2001:db8::5', source: { ip: '2001:db8::5' }, url: { original: 'http://x/' } },
    { '@timestamp': '2026-12-04T10:05:00.000Z', message: 'a::b foo', source: { ip: '192.0.2.1' } },
  ];
  const result = await store.bulkIndex(events.map((document, i) => ({ id: `budget-${i}`, timestamp: document['@timestamp'], document: { ...document, organization: { id: 'default' } } })));
  expect(result.rejected).toEqual([]);
  await store.close();
  if (setup.env.SIEM_OPENSEARCH_URL) await fetch(`${setup.env.SIEM_OPENSEARCH_URL}/${setup.indexPrefix}*/_refresh`, { method: 'POST' });
}

async function removeIndices(setup: PipelineEnv): Promise<void> {
  const url = setup.env.SIEM_OPENSEARCH_URL!;
  await fetch(`${url}/${setup.indexPrefix}*?ignore_unavailable=true&allow_no_indices=true&expand_wildcards=all`, { method: 'DELETE' });
  await fetch(`${url}/_index_template/${setup.indexPrefix}*`, { method: 'DELETE' });
}

const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['OpenSearch', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

describe.each(deployments)('the API on the %s store, sent the queries that once hung it', (name, deployment) => {
  let setup: PipelineEnv;
  let api: AppProcess;

  beforeAll(async () => {
    setup = await deploymentEnv(deployment(), { SIEM_API_BUDGET_MS: '5000' });
    await seed(setup);
    api = startApp('api', setup.env);
    await api.waitForLog('the API to listen', (line) => line.msg === 'The API is listening.');
  });

  afterAll(async () => {
    await api?.stop();
    if (name === 'OpenSearch' && setup) await removeIndices(setup);
  });

  it.each(HOSTILE_QUERIES)('answers q=%s with a result or a 400, and /healthz all along', async (query) => {
    const base = `http://127.0.0.1:${setup.apiPort}`;
    let answered = false;
    const search = fetch(`${base}/api/v1/search?${new URLSearchParams({ q: query })}`, { headers: setup.apiHeaders })
      .then(async (response) => ({ status: response.status, body: (await response.json()) as { total?: number; error?: { code: string } } }))
      .finally(() => (answered = true));
    let checks = 0;
    let peakRss = rssMb(api.child.pid!);
    do {
      const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      expect(health.status).toBe(200);
      checks++;
      peakRss = Math.max(peakRss, rssMb(api.child.pid!));
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (!answered);
    const { status, body } = await search;
    expect([200, 400], `${status} ${JSON.stringify(body)}`).toContain(status);
    if (status === 400) expect(body.error?.code).toMatch(/^SIEM_QUERY_/);
    else expect(body.total).toBeGreaterThanOrEqual(0);
    expect((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })).status).toBe(200);
    expect(checks).toBeGreaterThan(0);
    expect(peakRss, `the API's resident memory peaked at ${Math.round(peakRss)} MB`).toBeLessThan(RSS_LIMIT_MB);
  }, 60_000);

  it('is still ready and answers an ordinary search afterwards', async () => {
    const base = `http://127.0.0.1:${setup.apiPort}`;
    // A read worker that a budget ended is replaced; the replacement may still be starting.
    await waitFor('the API to be ready', async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
    const response = await fetch(`${base}/api/v1/search?q=foo`, { headers: setup.apiHeaders });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { total: number }).total).toBe(1);
  }, 60_000);
});
