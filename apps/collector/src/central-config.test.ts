import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EdgePipelinesConfig } from '@siem/edge';
import { createLogger } from '@siem/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCentralConfig } from './central-config';

const dir = mkdtempSync(path.join(tmpdir(), 'siem-central-'));
let offered: { version: string; edge: unknown } | undefined;
const enrolments: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/api/v1/agents/enrol') {
      enrolments.push(String(request.headers.authorization));
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'gw-1', keyId: 'k1', key: 'own-key-of-gw-1' }));
      return;
    }
    if (request.url === '/api/v1/agents/gw-1/config') {
      if (request.headers.authorization !== 'ApiKey own-key-of-gw-1') return void response.writeHead(401).end();
      if (!offered) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ target: 'gw-1', tenant: 'default', updatedAt: '', ...offered }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('central configuration, agent side', () => {
  it('central – enrols once, keeps its own key (0600), applies new versions, refuses a broken one and keeps the last good', async () => {
    let running: EdgePipelinesConfig | undefined;
    const make = () =>
      createCentralConfig({
        apiUrl: url,
        agentId: 'gw-1',
        enrolmentKey: 'enrolment-key-0123456789',
        keyFile: path.join(dir, 'agent.key'),
        pollS: 3600,
        runningVersion: () => running?.version ?? 'none',
        apply: (config) => void (running = config),
        logger: createLogger('test', 'silent'),
      });
    const central = make();
    await central.start();
    expect(enrolments).toEqual(['ApiKey enrolment-key-0123456789']);
    expect(readFileSync(path.join(dir, 'agent.key'), 'utf8').trim()).toBe('own-key-of-gw-1');
    expect(statSync(path.join(dir, 'agent.key')).mode & 0o777).toBe(0o600);
    expect(running).toBeUndefined();
    central.stop();

    offered = { version: 'v1', edge: { inputs: { file: { stages: [{ type: 'sample', rate: 10 }] } } } };
    const again = make();
    await again.start();
    // The key file is there: no second enrolment.
    expect(enrolments).toHaveLength(1);
    expect(running?.version).toBe('v1');
    expect(running?.inputs.file?.stages[0]).toMatchObject({ type: 'sample', rate: 10 });
    again.stop();

    offered = { version: 'v2-broken', edge: { inputs: { file: { stages: [{ type: 'sample', rate: 0 }] } } } };
    const third = make();
    await third.start();
    expect(running?.version).toBe('v1');
    expect(third.problem()).toMatch(/^Configuration v2-broken was refused; v1 stays in force: .*\/inputs\/file\/stages\/0/);
    third.stop();

    offered = { version: 'v1', edge: { inputs: { file: { stages: [{ type: 'sample', rate: 10 }] } } } };
    const fourth = make();
    await fourth.start();
    expect(fourth.problem()).toBeUndefined();
    fourth.stop();
  });

  it('central – without a key file or an enrolment key, start-up fails with what to do', async () => {
    const central = createCentralConfig({ apiUrl: url, agentId: 'gw-2', keyFile: path.join(dir, 'none.key'), pollS: 60, runningVersion: () => 'none', apply: () => undefined, logger: createLogger('test', 'silent') });
    await expect(central.start()).rejects.toThrow(/no SIEM_ENROLMENT_KEY to enrol with/);
  });
});
