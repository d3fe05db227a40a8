import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { startPipelineApps } from './pipeline-apps';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

/**
 * Tenants end to end on the embedded deployment: the collector stamps each event with the
 * tenant of the key that sent it (or of the input), whatever organization.id the event
 * carries, and each tenant's API key reads only its own events.
 */
const run = promisify(execFile);
const ACME_KEY = 'acme-ingest-key-0123456789';
const GLOBEX_KEY = 'globex-ingest-key-0123456789';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-tenants-e2e-'));
let setup: PipelineEnv;
const apps: AppProcess[] = [];
const readers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  setup = await deploymentEnv(
    { kind: 'embedded', dataDir: path.join(scratch, 'data') },
    { SIEM_PROCESSOR_WORKERS: '1', SIEM_HTTP_API_KEYS: `${ACME_KEY}=acme,${GLOBEX_KEY}=globex`, SIEM_INPUT_TENANTS: 'syslog_udp=ops' },
  );
  apps.push(...(await startPipelineApps(setup.env)));
  for (const tenant of ['acme', 'globex', 'ops', 'default']) {
    const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/keys`, {
      method: 'POST',
      headers: { ...setup.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${tenant} reader`, role: 'viewer', tenant }),
    });
    expect(response.status).toBe(201);
    readers[tenant] = { authorization: `ApiKey ${((await response.json()) as { key: string }).key}` };
  }
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
});

async function messages(tenant: string, marker: string): Promise<{ message: string; organization: { id: string } }[]> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=100&q=${encodeURIComponent(marker)}`, { headers: readers[tenant] });
  return ((await response.json()) as { hits: { event: { message: string; organization: { id: string } } }[] }).hits.map((hit) => hit.event);
}

describe('tenants end to end (embedded)', () => {
  it('lands _bulk and NDJSON events whose organization.id is forged in the sending key\'s tenant, syslog in its input\'s, and shows each tenant only its own', async () => {
    const marker = `tenant${setup.runId}`;
    const forged = (text: string) => JSON.stringify({ message: `${marker} ${text}`, organization: { id: 'globex' } });
    const ingest = (route: string, key: string, body: string, type: string) =>
      fetch(`http://127.0.0.1:${setup.httpPort}${route}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': type }, body });
    expect((await ingest('/_bulk', ACME_KEY, `{"index":{"_index":"logs"}}\n${forged('bulk from acme')}\n`, 'application/x-ndjson')).status).toBe(200);
    expect((await ingest('/ingest', ACME_KEY, `${forged('ndjson from acme')}\n`, 'application/x-ndjson')).status).toBe(200);
    expect((await ingest('/ingest', GLOBEX_KEY, `${JSON.stringify({ message: `${marker} from globex` })}\n`, 'application/x-ndjson')).status).toBe(200);
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-d', '--rfc5424', '-t', 'app', `${marker} syslog to ops`]);

    const acme = await waitFor('acme\'s two events', async () => {
      const found = await messages('acme', marker);
      return found.length === 2 ? found : undefined;
    }, 90_000, 500);
    expect(acme.map((event) => event.message).sort()).toEqual([`${marker} bulk from acme`, `${marker} ndjson from acme`]);
    expect(acme.every((event) => event.organization.id === 'acme')).toBe(true);
    const ops = await waitFor('the syslog event in ops', async () => {
      const found = await messages('ops', marker);
      return found.length === 1 ? found : undefined;
    }, 90_000, 500);
    expect(ops[0]!.organization.id).toBe('ops');
    expect((await messages('globex', marker)).map((event) => event.message)).toEqual([`${marker} from globex`]);
    expect(await messages('default', marker)).toEqual([]);
  });
});
