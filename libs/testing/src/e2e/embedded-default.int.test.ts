import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, startCli } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-embedded-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Hit {
  id: string;
  event: { message: string; event: { ingested: string } };
}

async function search(setup: PipelineEnv, query: string): Promise<{ total: number; hits: Hit[] }> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=1000&q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
  return (await response.json()) as { total: number; hits: Hit[] };
}

async function post(setup: PipelineEnv, marker: string, count: number, firstSecond: number): Promise<void> {
  const body = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ '@timestamp': new Date(Date.UTC(2026, 10, 23, 0, 0, firstSecond + i)).toISOString(), message: `${marker} number ${i}` }),
  ).join('\n');
  const response = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ accepted: count });
}

describe('the embedded default (siem start, no Kafka, no OpenSearch)', () => {
  it('keeps acknowledged events and committed offsets across a stop and a start', async () => {
    const dataDir = path.join(scratch, 'restart');
    const setup = await deploymentEnv({ kind: 'embedded', dataDir });
    const ready = (stack: ReturnType<typeof startCli>) => stack.waitForLog('the stack to be ready', () => stack.logs.some((l) => l.msg === 'The API is listening.') && stack.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 90_000);

    const first = startCli(['start'], setup.env);
    await ready(first);
    await post(setup, 'before-restart', 1000, 0);
    const before = await waitFor('the first thousand events', async () => {
      const result = await search(setup, 'before-restart');
      return result.hits.length === 1000 ? result : undefined;
    });
    expect(await first.stop(60_000, 'SIGINT')).toBe(0);
    expect(first.logs.some((l) => l.msg === 'Every processor worker has stopped.')).toBe(true);

    const second = startCli(['start'], setup.env);
    await ready(second);
    await post(setup, 'after-restart', 500, 2000);
    await waitFor('the next five hundred events', async () => (await search(setup, 'after-restart')).hits.length === 500);
    const after = await search(setup, 'before-restart');
    // Reprocessing the log would have re-indexed these events with a new ingest time.
    const ingested = (result: { hits: Hit[] }) => Object.fromEntries(result.hits.map((hit) => [hit.id, hit.event.event.ingested]));
    expect(ingested(after)).toEqual(ingested(before));
    expect(await second.stop(60_000, 'SIGINT')).toBe(0);
  });

  it('refuses to start with a clear error when the data directory cannot be written', async () => {
    const notADirectory = path.join(scratch, 'a-file');
    writeFileSync(notADirectory, 'this is a file, not a directory');
    const setup = await deploymentEnv({ kind: 'embedded', dataDir: notADirectory });
    for (const app of ['collector', 'processor'] as const) {
      const process = startApp(app, setup.env);
      expect(await process.exited()).toBe(1);
      const fatal = process.logs.find((l) => l.level === 60);
      expect(fatal, `${app} logs a fatal line`).toBeDefined();
      expect(JSON.stringify(fatal)).toMatch(/SIEM_(BUS|STORE)_(STORAGE_UNAVAILABLE|SETUP_FAILED)/);
      expect(JSON.stringify(fatal)).toContain(notADirectory);
    }
  });
});
