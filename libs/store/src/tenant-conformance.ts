import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import { eventInTenant, tenantQuery } from './tenant-scope';
import type { EventAnalytics, EventStore, IndexableEvent } from './types';

/**
 * What every store does with `tenantQuery`: each tenant reads only its own events, in searches,
 * counts, aggregations and reads by id; an event without organization.id is nobody's. Run against each store (embedded unit test, OpenSearch integration test).
 */
export function describeTenantConformance(name: string, makeStore: () => Promise<EventStore & EventAnalytics>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – tenant filter`, () => {
    let store: EventStore & EventAnalytics;
    const marker = `t${randomBytes(6).toString('hex')}`;
    const at = '2026-12-04T10:00:00.000Z';
    const events: IndexableEvent[] = [
      ['acme', 'alice'],
      ['acme', 'alice'],
      ['globex', 'gina'],
      ['default', 'dora'],
      [undefined, 'olga'],
    ].map(([tenant, user], i) => ({
      id: `${marker}-${i}`,
      timestamp: at,
      document: { '@timestamp': at, message: `${marker} login`, user: { name: user }, ...(tenant && { organization: { id: tenant } }) },
    }));
    const read = (q: string, tenant: string) => ({ query: tenantQuery(parseQuery(q), tenant), from: '2026-12-04T00:00:00Z', to: '2026-12-05T00:00:00Z' });

    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
      const result = await store.bulkIndex(events);
      expect(result.rejected).toEqual([]);
      await refresh();
    });

    afterAll(async () => {
      await store?.close();
    });

    it('searches, counts and aggregates only the tenant\'s events; an event without organization.id is nobody\'s', async () => {
      for (const [tenant, users] of [
        ['acme', ['alice', 'alice']],
        ['globex', ['gina']],
        ['default', ['dora']],
        ['initech', []],
      ] as const) {
        const found = await store.search({ ...read(marker, tenant), size: 10 });
        expect(found.hits.map((hit) => (hit.event.user as { name: string }).name).sort(), tenant).toEqual(users);
        expect(found.total).toBe(users.length);
        expect(await store.count(read(marker, tenant)), tenant).toBe(users.length);
        const aggregated = await store.aggregate({ ...read(marker, tenant), aggs: { users: { type: 'terms', field: 'user.name' } } });
        expect(aggregated.total).toBe(users.length);
        expect((aggregated.aggs.users as { buckets: { key: string }[] }).buckets.map((bucket) => bucket.key).sort()).toEqual([...new Set(users)]);
      }
    });

    it('keeps the filter under a query that asks for another tenant by name, or negates its own', async () => {
      expect(await store.count(read(`${marker} AND organization.id:globex`, 'acme'))).toBe(0);
      expect(await store.count(read(`${marker} OR organization.id:globex`, 'acme'))).toBe(2);
      expect(await store.count(read(`${marker} AND NOT organization.id:acme`, 'acme'))).toBe(0);
      expect(await store.count(read(`${marker} AND NOT organization.id:default`, 'default'))).toBe(0);
    });

    it('reads an event by id only in its own tenant (eventInTenant)', async () => {
      const hit = await store.getEvent(`${marker}-2`, at);
      expect(hit && eventInTenant(hit.event, 'globex')).toBe(true);
      expect(hit && eventInTenant(hit.event, 'acme')).toBe(false);
      const legacy = await store.getEvent(`${marker}-4`, at);
      expect(legacy && [eventInTenant(legacy.event, 'default'), eventInTenant(legacy.event, 'acme')]).toEqual([false, false]);
    });
  });
}
