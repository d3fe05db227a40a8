import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeys } from './api-keys';
import { EmbeddedKeyStore } from './embedded-key-store';
import { adminKeyFile, ensureAdminKey } from './first-admin-key';

const root = mkdtempSync(path.join(tmpdir(), 'siem-first-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function deployment(name: string) {
  const dataDir = path.join(root, name);
  return { dataDir, keys: new ApiKeys(new EmbeddedKeyStore({ dataDir })) };
}

describe('ensureAdminKey', () => {
  it('creates one admin key on the first start, writes it 0600, and none on the next starts', async () => {
    const { dataDir, keys } = deployment('random');
    expect(await ensureAdminKey(keys, { dataDir })).toEqual({ created: true, file: adminKeyFile(dataDir) });
    const key = readFileSync(adminKeyFile(dataDir), 'utf8').trim();
    expect(statSync(adminKeyFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(await keys.verify(key)).toMatchObject({ role: 'admin', tenant: 'default' });
    expect(await ensureAdminKey(keys, { dataDir })).toEqual({ created: false });
    expect(readFileSync(adminKeyFile(dataDir), 'utf8').trim()).toBe(key);
    expect(await keys.list()).toHaveLength(1);
  });

  it('creates a new one when every admin key was revoked', async () => {
    const { dataDir, keys } = deployment('revoked');
    await ensureAdminKey(keys, { dataDir });
    const [first] = await keys.list();
    await keys.revoke(first!.id);
    expect((await ensureAdminKey(keys, { dataDir })).created).toBe(true);
    expect(await keys.verify(readFileSync(adminKeyFile(dataDir), 'utf8').trim())).toMatchObject({ role: 'admin' });
  });

  it('two processes starting at once on one data directory create one admin key between them, and the file holds it', async () => {
    const dataDir = path.join(root, 'concurrent');
    // Two key stores on one directory, as two API processes would open it.
    const first = new ApiKeys(new EmbeddedKeyStore({ dataDir }));
    const second = new ApiKeys(new EmbeddedKeyStore({ dataDir }));
    const results = await Promise.all([ensureAdminKey(first, { dataDir }), ensureAdminKey(second, { dataDir })]);
    expect(results.map((result) => result.created).sort()).toEqual([false, true]);
    expect(await first.list()).toHaveLength(1);
    expect(await second.verify(readFileSync(adminKeyFile(dataDir), 'utf8').trim())).toMatchObject({ role: 'admin', tenant: 'default' });
    expect(readdirSync(dataDir).filter((name) => name.startsWith('admin.key'))).toEqual(['admin.key']);

    // After the admin key is revoked, the next simultaneous starts again make one between them.
    await first.revoke((await first.list())[0]!.id);
    const again = await Promise.all([ensureAdminKey(first, { dataDir }), ensureAdminKey(second, { dataDir })]);
    expect(again.map((result) => result.created).sort()).toEqual([false, true]);
    const usable = (await second.list()).filter((key) => !key.revoked);
    expect(usable).toHaveLength(1);
    expect(await first.verify(readFileSync(adminKeyFile(dataDir), 'utf8').trim())).toMatchObject({ id: usable[0]!.id, role: 'admin' });
  });

  it('stores SIEM_ADMIN_KEY hashed, once, and writes it to the key file', async () => {
    const { dataDir, keys } = deployment('operator');
    const adminKey = 'correct-horse-battery-staple-admin-key-0001';
    expect((await ensureAdminKey(keys, { dataDir, adminKey })).created).toBe(true);
    expect((await ensureAdminKey(keys, { dataDir, adminKey })).created).toBe(false);
    expect(await keys.list()).toHaveLength(1);
    expect(readFileSync(adminKeyFile(dataDir), 'utf8').trim()).toBe(adminKey);
    expect(readFileSync(path.join(dataDir, 'auth', 'api-keys.sqlite')).includes(Buffer.from(adminKey))).toBe(false);
    expect(await keys.verify(adminKey)).toMatchObject({ role: 'admin', tenant: 'default' });
  });
});
