import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type Deployment } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-fleet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INTERVAL_S = 1;
const MISSING_INTERVALS = 3;

const deployments: [string, () => Deployment][] = [
  ['embedded', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') })],
  ['Kafka + OpenSearch', () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') })],
];

interface Agent {
  id: string;
  health: string;
  role: string;
  inputs: string[];
  configVersion: string;
  lastSeen: string;
}

describe.each(deployments)('fleet heartbeats (%s)', (_name, deployment) => {
  it('fleet – an agent that stops is flagged missing and raises one alert within the configured silence; restarted, it is healthy again', async () => {
    const setup = await deploymentEnv(deployment(), {
      SIEM_HEARTBEAT_INTERVAL_S: String(INTERVAL_S),
      SIEM_AGENT_MISSING_INTERVALS: String(MISSING_INTERVALS),
      SIEM_AGENT_ID: 'plant-7-gateway',
    });
    onTestFinished(() => setup.cleanup());
    const api = startApp('api', setup.env);
    let collector: AppProcess = startApp('collector', setup.env);
    const agents = async (): Promise<Agent[]> => ((await (await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/agents`, { headers: setup.apiHeaders })).json()) as { agents: Agent[] }).agents;
    const gateway = async () => (await agents()).find((agent) => agent.id === 'plant-7-gateway');
    const alerts = async () =>
      ((await (await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/alerts?rule=builtin-agent-heartbeat-missing`, { headers: setup.apiHeaders })).json()) as { alerts: { id: string; alert: { observer: { name: string } } }[] }).alerts;
    try {
      await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.', 90_000);
      await collector.waitForLog('the collector to listen', (l) => l.msg === 'The collector is listening.');
      await waitFor('the collector to report healthy', async () => (await gateway())?.health === 'healthy', 60_000, 250);
      expect(await gateway()).toMatchObject({ role: 'collector', configVersion: 'none' });
      expect((await gateway())!.inputs.some((input) => input.endsWith('/udp'))).toBe(true);

      await collector.stop(5_000, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor('the collector to be flagged missing', async () => (await gateway())?.health === 'missing', 30_000, 250);
      // Flagged after the configured silence (intervals x interval), not before, give or take the check period.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual((MISSING_INTERVALS - 1) * INTERVAL_S * 1000);
      await waitFor('the missing-heartbeat alert', async () => (await alerts()).length === 1, 30_000, 250);
      expect((await alerts())[0]!.alert.observer.name).toBe('plant-7-gateway');

      collector = startApp('collector', setup.env);
      await collector.waitForLog('the collector to listen again', (l) => l.msg === 'The collector is listening.');
      await waitFor('the flag to clear', async () => (await gateway())?.health === 'healthy', 30_000, 250);
      // One silence, one alert: the restart does not raise another.
      expect(await alerts()).toHaveLength(1);
    } finally {
      await Promise.all([collector.stop(), api.stop()]);
    }
  });
});
