import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedAgentRegistry } from '@siem/fleet';
import { startApp } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-central-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const edge = (rate: number) => ({ inputs: { http_ndjson: { stages: [{ type: 'sample', rate }] } } });

describe('central configuration (embedded)', () => {
  it('central – an agent with only the API address and an enrolment key gets its configuration, picks up a change within 10 s, refuses a broken one and keeps the last good', async () => {
    const dataDir = path.join(scratch, 'data');
    const setup = await deploymentEnv({ kind: 'embedded', dataDir }, { SIEM_HEARTBEAT_INTERVAL_S: '1' });
    onTestFinished(() => setup.cleanup());
    const api = startApp('api', setup.env);
    const base = `http://127.0.0.1:${setup.apiPort}/api/v1`;
    const call = (method: string, url: string, body?: unknown) => fetch(`${base}${url}`, { method, headers: { ...setup.apiHeaders, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    let collector: ReturnType<typeof startApp> | undefined;
    try {
      await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.', 90_000);
      const enrolment = (await (await call('POST', '/keys', { name: 'site 3 enrolment', role: 'ingest' })).json()) as { key: string };
      expect((await call('PUT', '/agents/config/site-3-gw', { version: 'v1', edge: edge(10) })).status).toBe(200);

      // Nothing but the API address and the enrolment key (plus where to keep its data).
      collector = startApp('collector', { ...setup.env, SIEM_CENTRAL_API_URL: `http://127.0.0.1:${setup.apiPort}`, SIEM_ENROLMENT_KEY: enrolment.key, SIEM_AGENT_ID: 'site-3-gw', SIEM_AGENT_CONFIG_POLL_S: '1' });
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      const agent = async () => ((await (await call('GET', '/agents')).json()) as { agents: { id: string; configVersion: string; lastError?: string; health: string }[] }).agents.find((a) => a.id === 'site-3-gw');
      await waitFor('the agent to run v1', async () => (await agent())?.configVersion === 'v1', 30_000, 250).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await agent())} ${collector?.stderr.join('').slice(-1500)} ${JSON.stringify(collector?.logs.slice(-8))}`);
      });

      expect((await call('PUT', '/agents/config/site-3-gw', { version: 'v2', edge: edge(5) })).status).toBe(200);
      await waitFor('the agent to run v2 within 10 s', async () => (await agent())?.configVersion === 'v2', 10_000, 250);

      // A broken configuration that got past the API (written straight to the registry, as an older API or a hand edit could).
      const registry = new EmbeddedAgentRegistry({ dataDir });
      await registry.setConfig({ target: 'site-3-gw', tenant: 'default', version: 'v3', edge: edge(0), updatedAt: new Date().toISOString() });
      await registry.close();
      await waitFor('the agent to report the refusal', async () => (await agent())?.lastError?.includes('Configuration v3 was refused; v2 stays in force') === true, 10_000, 250);
      expect(await agent()).toMatchObject({ configVersion: 'v2', health: 'degraded' });
      const ingest = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body: '{"message":"still running"}' });
      expect(ingest.status).toBe(200);
    } finally {
      await Promise.all([collector?.stop(), api.stop()]);
    }
  });
});
