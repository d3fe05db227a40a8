import { describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import type { EventStore } from './types';

/**
 * Deletion by age, alike on both stores: `applyRetention` keeps today and the `retentionDays`
 * days before it (UTC days, as the daily indices are named) and deletes every older day whole.
 * `makeStore` gives a store of its own (a fresh prefix or directory) with that retention.
 */
export function describeRetentionConformance(name: string, makeStore: (retentionDays?: number) => Promise<{ store: EventStore; prefix: string; cleanUp(): Promise<void> }>, refresh: (prefix: string) => Promise<void> = async () => {}): void {
  describe(`${name} – retention conformance`, () => {
    const now = new Date('2025-07-10T08:00:00.000Z');
    const days = ['2025-06-30', '2025-07-07', '2025-07-08', '2025-07-09', '2025-07-10'];
    const perDay = async (store: EventStore) =>
      Promise.all(days.map((day) => store.count({ query: parseQuery(''), from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.999Z` })));

    it('deletes the days before today minus the retention, whole, and nothing more when applied again', async () => {
      const { store, prefix, cleanUp } = await makeStore(2);
      try {
        await store.ensureReady();
        const indexed = await store.bulkIndex(days.map((day, i) => ({ id: `retention-${i}`, timestamp: `${day}T12:00:00.000Z`, document: { '@timestamp': `${day}T12:00:00.000Z`, message: 'x' } })));
        expect(indexed.rejected).toEqual([]);
        await refresh(prefix);
        expect((await store.applyRetention(now)).sort()).toEqual([`${prefix}2025.06.30`, `${prefix}2025.07.07`]);
        await refresh(prefix);
        expect(await perDay(store)).toEqual([0, 0, 1, 1, 1]);
        expect(await store.applyRetention(now)).toEqual([]);
      } finally {
        await store.close();
        await cleanUp();
      }
    });

    it('keeps every day without a retention', async () => {
      const { store, prefix, cleanUp } = await makeStore(undefined);
      try {
        await store.ensureReady();
        await store.bulkIndex([{ id: 'retention-old', timestamp: '2020-01-01T00:00:00.000Z', document: { '@timestamp': '2020-01-01T00:00:00.000Z' } }]);
        await refresh(prefix);
        expect(await store.applyRetention(now)).toEqual([]);
        expect(await store.count({ query: parseQuery('') })).toBe(1);
      } finally {
        await store.close();
        await cleanUp();
      }
    });
  });
}
