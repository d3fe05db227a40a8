import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@siem/config';
import { cliApiKey } from './api-credential';
import { expiresAt, runKeysCommand } from './keys-command';
import { parseArgs } from './args';

/** Records what the command sends and answers as the API would; the routes themselves are tested in apps/api. */
const requests: { method: string; url: string; authorization: string | undefined; body: any }[] = [];
const server = http.createServer((request, response) => {
  let text = '';
  request.on('data', (chunk) => (text += chunk));
  request.on('end', () => {
    const body = text === '' ? undefined : JSON.parse(text);
    requests.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body });
    const send = (status: number, answer?: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(answer === undefined ? '' : JSON.stringify(answer));
    if (request.method === 'POST') return send(201, { key: 'siem_0123456789abcdef_secret', record: { id: '0123456789abcdef', name: body.name, role: body.role, tenant: body.tenant ?? 'default', createdAt: '2026-12-04T10:00:00.000Z', revoked: false } });
    if (request.method === 'DELETE') return request.url!.endsWith('/nope') ? send(404, { error: { code: 'SIEM_AUTH_KEY_NOT_FOUND', message: 'No key has the id "nope".' } }) : send(204);
    return send(200, { keys: [{ id: '0123456789abcdef', name: 'ci', role: 'ingest', tenant: 'acme', createdAt: '2026-12-04T10:00:00.000Z', revoked: false }] });
  });
});
let apiUrl = '';
// What every command of this run sends (read on the first call).
process.env.SIEM_API_KEY = 'siem_cccccccccccccccc_fromtheenvironment';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-cli-keys-'));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function run(argv: string): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runKeysCommand(parseArgs(argv.split(' ')), apiUrl, (text) => (output += text));
  return { code, output };
}

describe('siem keys', () => {
  it('create sends name, role, tenant and an expiry, and prints the key alone on stdout', async () => {
    const { code, output } = await run('keys create --name ci --role ingest --tenant acme --expires 30d');
    expect(code).toBe(0);
    expect(output).toBe('siem_0123456789abcdef_secret\n');
    const sent = requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', url: '/api/v1/keys', authorization: 'ApiKey siem_cccccccccccccccc_fromtheenvironment', body: { name: 'ci', role: 'ingest', tenant: 'acme' } });
    expect(Date.parse(sent.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('list prints a table, revoke names the key, and an API refusal becomes the error', async () => {
    expect((await run('keys list')).output).toMatch(/^id +role +tenant.*\n0123456789abcdef +ingest +acme .* active +ci\n1 keys\n$/);
    expect((await run('keys revoke 0123456789abcdef')).output).toBe('Key 0123456789abcdef revoked.\n');
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/v1/keys/0123456789abcdef' });
    await expect(run('keys revoke nope')).rejects.toThrow('SIEM_AUTH_KEY_NOT_FOUND: No key has the id "nope".');
    await expect(run('keys create --name x')).rejects.toThrow(/needs --name and --role/);
  });

  it('--expires takes 12h, 30d, 2w or an ISO time, and nothing else', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(expiresAt('12h', now)).toBe('2026-12-04T22:00:00.000Z');
    expect(expiresAt('2w', now)).toBe('2026-12-18T10:00:00.000Z');
    expect(expiresAt('2027-01-01T00:00:00Z', now)).toBe('2027-01-01T00:00:00.000Z');
    expect(() => expiresAt('soon', now)).toThrow(/--expires takes/);
  });
});

describe('the key the CLI sends', () => {
  it('is SIEM_API_KEY when set, else <dataDir>/admin.key, else none', () => {
    expect(cliApiKey(loadConfig({ SIEM_DATA_DIR: dataDir }))).toBeUndefined();
    fs.writeFileSync(path.join(dataDir, 'admin.key'), 'siem_aaaaaaaaaaaaaaaa_fromfile\n', { mode: 0o600 });
    expect(cliApiKey(loadConfig({ SIEM_DATA_DIR: dataDir }))).toBe('siem_aaaaaaaaaaaaaaaa_fromfile');
    expect(cliApiKey(loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_API_KEY: 'siem_bbbbbbbbbbbbbbbb_fromenv' }))).toBe('siem_bbbbbbbbbbbbbbbb_fromenv');
  });
});
