import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { startPipelineApps } from './pipeline-apps';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';
import { attemptLines, logger } from './sshd-logger';

const SECRET = 'whsec-e2e-7f3a9c1d5b2e8f40';
const SECRET_VARIABLE = 'E2E_WEBHOOK_SECRET';

interface Call {
  readonly body: string;
  readonly signature: string | undefined;
  readonly status: number;
}

/** A receiver that answers 503 to its first `failures` calls, then 204, and keeps every call. */
async function receiver(failures: number) {
  const calls: Call[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const status = calls.length < failures ? 503 : 204;
      calls.push({ body, signature: request.headers['x-siem-signature'] as string | undefined, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** What a receiver does with the shared secret: HMAC-SHA256 of the raw body, compared in constant time. */
function signedBySecret(call: Call): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(call.body).digest('hex')}`);
  const given = Buffer.from(call.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook notifications end to end – embedded default', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'siem-webhook-'));
  let setup: PipelineEnv;
  const apps: AppProcess[] = [];
  let flaky: Awaited<ReturnType<typeof receiver>>;
  let pager: Awaited<ReturnType<typeof receiver>>;
  const api = async <T>(route: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1${route}`, { ...init, headers: { ...setup.apiHeaders, 'content-type': 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(body)}`);
    return body as T;
  };

  beforeAll(async () => {
    [flaky, pager] = [await receiver(3), await receiver(0)];
    setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') }, { SIEM_RULES_POLL_MS: '300', SIEM_ALERTING_LEASE_MS: '3000' });
    const env = { ...setup.env, [SECRET_VARIABLE]: SECRET };
    apps.push(...(await startPipelineApps(env)));
    const scheduler = startApp('alerting', { ...env, SIEM_ALERTING_METRICS_PORT: String(await freePort()) });
    apps.push(scheduler);
    await scheduler.waitForLog('the scheduler to take the lease', (line) => line.msg === 'This scheduler took the lease and is now the active one.');
  });

  afterAll(async () => {
    const codes = await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([flaky?.close(), pager?.close()]);
    rmSync(scratch, { recursive: true, force: true });
    expect(codes).toEqual(apps.map(() => 0));
  });

  it('delivers a correlation alert once, signed, to a receiver that fails the first three calls; a throttled single-event rule notifies once for four alerts', async () => {
    const id = (n: number) => `${setup.runId.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const failed = { id: id(1), name: `sshd_failed_${setup.runId}`, title: 'SSH failed password', level: 'low', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['Failed password for'], condition: 'keywords' } };
    const accepted = { id: id(2), name: `sshd_accepted_${setup.runId}`, title: 'SSH accepted password', level: 'low', logsource: { product: 'linux', service: 'sshd' }, detection: { keywords: ['Accepted password for'], condition: 'keywords' } };
    const failures = { id: id(3), name: `ssh_failures_${setup.runId}`, title: 'Five SSH password failures', level: 'medium', correlation: { type: 'event_count', rules: [failed.name], 'group-by': ['user.name', 'source.ip'], timespan: '10m', condition: { gte: 5 } } };
    const bruteForce = {
      id: id(4),
      title: 'SSH brute force followed by a success',
      level: 'high',
      correlation: { type: 'temporal_ordered', rules: [failures.name, accepted.name], 'group-by': ['user.name', 'source.ip'], timespan: '10m' },
      actions: [{ id: 'soc-hook', type: 'webhook', url: flaky.url, secret_env: SECRET_VARIABLE }],
    };
    const refused = {
      id: id(5),
      title: 'SSH public key refused',
      level: 'low',
      logsource: { product: 'linux', service: 'sshd' },
      detection: { keywords: ['Failed publickey for'], condition: 'keywords' },
      actions: [{ id: 'pager', type: 'webhook', url: pager.url, secret_env: SECRET_VARIABLE, throttle: { max: 1, window: '1h' } }],
    };
    for (const rule of [failed, accepted, failures, bruteForce, refused]) await api('/rules', { method: 'POST', body: JSON.stringify(rule) });
    await waitFor('the processor workers to route the rules to the scheduler', () => apps[1]!.logs.filter((line) => line.msg === 'Compiled the enabled detection rules.' && line.feedingCorrelations === 2).length >= 2, 20_000);
    await apps[3]!.waitForLog('the scheduler to load the correlations', (line) => line.msg === 'Loaded the enabled correlation rules.' && line.correlations === 2, 20_000);

    await logger(setup.syslogPort, [
      ...attemptLines('mallory', '203.0.113.66', 5),
      ...Array.from({ length: 4 }, (_, i) => `Failed publickey for deploy from 198.51.100.${i + 1} port ${50000 + i} ssh2`),
    ]);
    // Retries back off 1, 2 and 4 s: the fourth call is the first the receiver accepts.
    await waitFor('the webhook to be delivered', () => flaky.calls.some((call) => call.status === 204), 60_000, 200);
    const alerts = await waitFor('four alerts of the throttled rule', async () => {
      const found = (await api<{ alerts: { id: string }[] }>(`/alerts?rule=${refused.id}&size=10`)).alerts;
      return found.length >= 4 && found;
    }, 30_000, 200);
    // A second delivery (a retry after success, another process, a throttle counted per worker) would come within these seconds.
    await new Promise((resolve) => setTimeout(resolve, 5000));

    expect(flaky.calls.map((call) => call.status)).toEqual([503, 503, 503, 204]);
    const bodies = flaky.calls.map((call) => JSON.parse(call.body) as { alert_id: string; rule: { id: string }; alert: { user?: { name?: string } } });
    expect(new Set(bodies.map((body) => body.alert_id)).size).toBe(1);
    expect(bodies[3]).toMatchObject({ rule: { id: bruteForce.id }, alert: { user: { name: 'mallory' } } });
    expect(flaky.calls.every(signedBySecret)).toBe(true);
    expect(signedBySecret({ ...flaky.calls[3]!, body: flaky.calls[3]!.body.replace('mallory', 'mallorz') })).toBe(false);
    const correlation = (await api<{ alerts: { id: string }[] }>(`/alerts?rule=${bruteForce.id}&size=10`)).alerts;
    expect(correlation.map((alert) => alert.id)).toEqual([bodies[3]!.alert_id]);

    expect(alerts).toHaveLength(4);
    expect(pager.calls).toHaveLength(1);
    expect(signedBySecret(pager.calls[0]!)).toBe(true);
    expect(alerts.map((alert) => alert.id)).toContain((JSON.parse(pager.calls[0]!.body) as { alert_id: string }).alert_id);
  });
});
