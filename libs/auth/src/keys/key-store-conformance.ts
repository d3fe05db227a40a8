import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys } from './api-keys';
import type { KeyStore } from './key-store';

/**
 * What both key stores do alike, run by the embedded unit test and the OpenSearch integration
 * test. `makeStore` opens a new handle on one shared store each call, as a second API process would.
 */
export function describeKeyStoreConformance(name: string, makeStore: () => Promise<KeyStore>): void {
  describe(`${name} – key store conformance`, () => {
    let store: KeyStore;
    let other: KeyStore;
    const tenant = `t${Date.now().toString(36)}`;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
      await store.ensureReady();
      other = await makeStore();
      await other.ensureReady();
    });
    afterAll(async () => {
      await store?.close();
      await other?.close();
    });

    it('stores a key as a salted hash, lists it by tenant without its text, and refuses a second key with its id', async () => {
      const keys = new ApiKeys(store);
      const { key, record } = await keys.create({ name: 'ci', role: 'analyst', tenant });
      expect(key).toMatch(/^siem_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const stored = (await store.get(record.id))!;
      expect(stored).toMatchObject({ id: record.id, name: 'ci', role: 'analyst', tenant, revoked: false });
      expect(JSON.stringify(stored)).not.toContain(secretOf(key));
      expect(await store.insert(stored)).toBe(false);
      const listed = await keys.list(tenant);
      expect(listed).toEqual([record]);
      expect(listed[0]).not.toHaveProperty('hash');
      expect((await store.list()).map((r) => r.id)).toContain(record.id);
      expect(await store.list(`${tenant}-other`)).toEqual([]);
    });

    it('verifies the right key, refuses a wrong secret and an unknown id alike', async () => {
      const keys = new ApiKeys(store);
      const { key, record } = await keys.create({ name: 'reader', role: 'viewer', tenant });
      expect(await keys.verify(key)).toEqual({ kind: 'key', id: record.id, name: 'reader', role: 'viewer', tenant });
      const wrongSecret = `${key.slice(0, -4)}AAAA` === key ? `${key.slice(0, -4)}BBBB` : `${key.slice(0, -4)}AAAA`;
      expect(await keys.verify(wrongSecret)).toBeUndefined();
      expect(await keys.verify(`siem_0123456789abcdef_${secretOf(key)}`)).toBeUndefined();
      expect(await keys.verify('not a key')).toBeUndefined();
    });

    it('refuses an expired key', async () => {
      const keys = new ApiKeys(store);
      const { key } = await keys.create({ name: 'short', role: 'viewer', tenant, expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect(await keys.verify(key)).toBeUndefined();
    });

    it('a key revoked through one handle is refused through another within the recheck interval', async () => {
      const first = new ApiKeys(store, { recheckMs: 1000 });
      const second = new ApiKeys(other, { recheckMs: 1000 });
      const { key, record } = await first.create({ name: 'leaked', role: 'admin', tenant });
      expect(await second.verify(key)).toMatchObject({ id: record.id });
      const revokedAt = Date.now();
      expect(await first.revoke(record.id)).toBe(true);
      expect(await first.verify(key)).toBeUndefined();
      let refusedAfter = -1;
      for (;;) {
        if ((await second.verify(key)) === undefined) {
          refusedAfter = Date.now() - revokedAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(refusedAfter).toBeLessThanOrEqual(1500);
      expect(await first.revoke('0000000000000000')).toBe(false);
      expect((await store.get(record.id))!.revoked).toBe(true);
    });

    it('records the last use, at most once per interval', async () => {
      const keys = new ApiKeys(store, { touchEveryMs: 60_000 });
      const { key, record } = await keys.create({ name: 'used', role: 'viewer', tenant });
      await keys.verify(key);
      let lastUsedAt: string | undefined;
      for (let i = 0; i < 100 && lastUsedAt === undefined; i++) {
        lastUsedAt = (await store.get(record.id))!.lastUsedAt;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(lastUsedAt).toBeDefined();
      await keys.verify(key);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await store.get(record.id))!.lastUsedAt).toBe(lastUsedAt);
    });

    it('adopts an operator key once, whatever its form', async () => {
      const keys = new ApiKeys(store);
      const operatorKey = `operator-chosen-admin-key-${tenant}-0123456789`;
      expect(await keys.adopt(operatorKey, { name: 'admin', role: 'admin', tenant })).toBe(true);
      expect(await keys.adopt(operatorKey, { name: 'admin', role: 'admin', tenant })).toBe(false);
      expect(await keys.verify(operatorKey)).toMatchObject({ role: 'admin', tenant });
    });
  });
}

/** The secret is base64url and may itself contain `_`, so it is everything after the id. */
function secretOf(key: string): string {
  return key.slice('siem_'.length + 16 + 1);
}
