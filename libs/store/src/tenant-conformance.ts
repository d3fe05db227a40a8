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

    // The embedded store drops the tenant condition where its hourly rollups show one tenant only:
    // hours held by one tenant, by events without one, and a late write of another tenant.
    it('an hour that holds one tenant\'s events only is that tenant\'s alone, before and after another tenant writes into it', async () => {
      const only = `${marker}o`;
      const event = (i: number, at: string, tenant: string | undefined): IndexableEvent => ({
        id: `${only}-${i}`,
        timestamp: at,
        document: { '@timestamp': at, message: `${only} login`, host: { name: `h${i}` }, ...(tenant && { organization: { id: tenant } }) },
      });
      expect((await store.bulkIndex([event(0, '2026-12-04T14:10:00.000Z', 'acme'), event(1, '2026-12-04T14:20:00.000Z', 'acme'), event(2, '2026-12-04T16:10:00.000Z', undefined)])).rejected).toEqual([]);
      await refresh();
      const hour = (q: string, tenant: string, from: string, to: string) => ({ query: tenantQuery(parseQuery(q), tenant), from, to });
      const users = async (q: string, tenant: string, from: string, to: string) => {
        const request = hour(q, tenant, from, to);
        const found = await store.search({ ...request, size: 10 });
        const exported = await store.exportPage({ ...request, size: 10 });
        const hosts = await store.aggregate({ ...request, aggs: { hosts: { type: 'terms', field: 'host.name' } } });
        const ids = found.hits.map((hit) => hit.id).sort();
        expect(exported.hits.map((hit) => hit.id).sort(), `${tenant} export`).toEqual(ids);
        expect(await store.count(request), `${tenant} count`).toBe(ids.length);
        expect(hosts.total, `${tenant} aggregation`).toBe(ids.length);
        return ids;
      };
      const acmeHour = ['2026-12-04T14:00:00.000Z', '2026-12-04T14:59:59.999Z'] as const;
      const acmeMinutes = ['2026-12-04T14:05:00.000Z', '2026-12-04T14:15:00.000Z'] as const;
      expect(await users(only, 'acme', ...acmeHour)).toEqual([`${only}-0`, `${only}-1`]);
      expect(await users('', 'acme', ...acmeMinutes)).toEqual([`${only}-0`]);
      for (const tenant of ['globex', 'default']) {
        expect(await users(only, tenant, ...acmeHour), tenant).toEqual([]);
        expect(await users('', tenant, ...acmeMinutes), tenant).toEqual([]);
      }
      // An hour of events without organization.id only: nobody's, default included.
      for (const tenant of ['acme', 'default']) expect(await users('', tenant, '2026-12-04T16:00:00.000Z', '2026-12-04T16:59:59.999Z'), tenant).toEqual([]);

      expect((await store.bulkIndex([event(3, '2026-12-04T14:30:00.000Z', 'globex')])).rejected).toEqual([]);
      await refresh();
      expect(await users(only, 'acme', ...acmeHour)).toEqual([`${only}-0`, `${only}-1`]);
      expect(await users('', 'acme', '2026-12-04T14:25:00.000Z', '2026-12-04T14:35:00.000Z')).toEqual([]);
      expect(await users(only, 'globex', ...acmeHour)).toEqual([`${only}-3`]);
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
