import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { faultScale, httpIngestSink, reportFault, saveFaultRule, settleAndCountEmbedded, SteadyStream } from './fault-harness';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const TOTAL = faultScale(6_000, 60_000);
const EVENTS_PER_SECOND = faultScale(300, 1_000);
const RULE_WRITES = faultScale(40, 200);

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-api-fault-'));
const apps: AppProcess[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

async function listeningApi(env: Record<string, string>): Promise<AppProcess> {
  const api = startApp('api', env);
  apps.push(api);
  await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.', 180_000);
  return api;
}

/** A rule no fault event matches: what an analyst writes through the API while it is killed. */
function quietRule(id: string, n: number): string {
  return JSON.stringify({
    id,
    title: `Fault suite rule ${n}`,
    level: 'low',
    logsource: { product: 'windows', category: 'process_creation' },
    detection: { selection: { 'Image|endswith': `\\never-run-${n}.exe` }, condition: 'selection' },
  });
}

describe('API killed', () => {
  it('serves again after SIGKILL and restart, with every rule it had answered 201 for, while the event stream loses nothing (embedded default)', async () => {
    const started = Date.now();
    const dataDir = path.join(scratch, 'data');
    const setup: PipelineEnv = await deploymentEnv({ kind: 'embedded', dataDir }, { SIEM_RULES_POLL_MS: '500' });
    await saveFaultRule({ dataDir });
    const collector = startApp('collector', setup.env);
    const processor = startApp('processor', setup.env);
    apps.push(collector, processor);
    let api = await listeningApi(setup.env);
    await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.', 180_000);
    await processor.waitForLog('both workers to consume', () => processor.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2, 180_000);

    const stream = new SteadyStream(httpIngestSink(setup.httpPort), { runId: setup.runId, total: TOTAL, eventsPerSecond: EVENTS_PER_SECOND, batch: 100 });
    const created: string[] = [];
    let refusedWrites = 0;
    for (let n = 0; n < RULE_WRITES; n++) {
      if (n === Math.floor(RULE_WRITES / 2)) {
        api.child.kill('SIGKILL');
        await api.exited();
      }
      const id = randomUUID();
      const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/rules`, { method: 'POST', headers: { ...setup.apiHeaders, 'content-type': 'application/json' }, body: quietRule(id, n) }).catch(() => undefined);
      if (response?.status === 201) created.push(id);
      else refusedWrites++;
      await response?.arrayBuffer();
      if (n === Math.floor(RULE_WRITES / 2)) api = await listeningApi(setup.env);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stream.finished();

    // Every rule acknowledged with a 201 is there after the restart, once.
    const missing: string[] = [];
    for (const id of created) {
      const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/rules/${id}`, { headers: setup.apiHeaders });
      if (response.status !== 200) missing.push(id);
      await response.arrayBuffer();
    }
    const counts = await settleAndCountEmbedded(dataDir, stream, 180_000);
    // The restarted API answers searches over what the pipeline stored meanwhile.
    const search = await waitFor('the restarted API to find the run\'s events', async () => {
      const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=1&q=${encodeURIComponent(`host.name:"fault-${setup.runId}-1"`)}`, { headers: setup.apiHeaders });
      const body = (await response.json()) as { total?: number };
      return response.status === 200 && (body.total ?? 0) > 0 ? body.total : undefined;
    }, 30_000, 500);
    await reportFault({
      fault: 'API SIGKILLed while rules are written through it, then restarted',
      deployment: 'embedded',
      ...counts,
      seconds: (Date.now() - started) / 1000,
      notes: `${RULE_WRITES} rule writes: ${created.length} answered 201, all ${created.length - missing.length} found after the restart; ${refusedWrites} refused while it was down; the restarted API's search found ${search} events of one host`,
    });
    expect(missing).toEqual([]);
    expect(created.length).toBeGreaterThan(0);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.alertsFound).toBe(counts.alertsExpected);
    expect(await api.stop()).toBe(0);
    expect(await processor.stop()).toBe(0);
    expect(await collector.stop()).toBe(0);
  }, 600_000);
});
