import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedSearchStore } from './types';

/** What both saved-search stores do alike; run by the embedded unit test and the OpenSearch integration test. */
export function describeSavedSearchConformance(name: string, makeStore: () => Promise<SavedSearchStore>): void {
  describe(`${name} – saved search conformance`, () => {
    let store: SavedSearchStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
      await store.ensureReady();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('creates, reads, lists by name, replaces and deletes a saved search', async () => {
      const failed = await store.create({ name: 'b failed logins', q: 'event.outcome:failure', from: 'now-24h', fields: ['user.name', 'source.ip'], sort: 'desc' });
      const admins = await store.create({ name: 'a admin activity', description: 'root and admin', q: 'user.name:(root OR admin)' });
      expect(failed.id).not.toBe(admins.id);
      expect(failed.createdAt).toBe(failed.updatedAt);
      expect(await store.get(failed.id)).toEqual(failed);
      const listed = (await store.list()).filter((saved) => saved.id === failed.id || saved.id === admins.id);
      expect(listed).toEqual([admins, failed]);

      const updated = await store.update(failed.id, { name: 'b failed logins, 7 days', q: 'event.outcome:failure', from: 'now-7d' });
      expect(updated).toMatchObject({ id: failed.id, name: 'b failed logins, 7 days', from: 'now-7d', createdAt: failed.createdAt });
      expect(updated).not.toHaveProperty('fields');
      expect(await store.get(failed.id)).toEqual(updated);

      expect(await store.delete(failed.id)).toBe(true);
      expect(await store.delete(failed.id)).toBe(false);
      expect(await store.get(failed.id)).toBeUndefined();
      expect((await store.list()).map((saved) => saved.id)).not.toContain(failed.id);
      expect(await store.delete(admins.id)).toBe(true);
    });

    it('answers undefined for a search it does not have', async () => {
      expect(await store.get('no-such-id')).toBeUndefined();
      expect(await store.update('no-such-id', { name: 'x', q: '' })).toBeUndefined();
    });
  });
}
