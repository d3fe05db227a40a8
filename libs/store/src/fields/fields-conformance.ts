import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../errors';
import type { EventAnalytics, EventStore, IndexableEvent } from '../types';
import type { FieldsRequest } from './types';

/**
 * The field catalog both stores must give alike (`fields`): written once, run against the
 * embedded store (unit test) and the real OpenSearch (integration test). Every case has a
 * tenant and a day of its own, so that other cases' events, and the types their fields were
 * given in a day's mapping, cannot interfere.
 */
export function describeFieldCatalogConformance(name: string, makeStore: () => Promise<EventStore & EventAnalytics>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – field catalog conformance`, () => {
    let store: EventStore & EventAnalytics;

    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
    });

    afterAll(async () => {
      await store?.close();
    });

    function tenant(): string {
      return `t${randomBytes(6).toString('hex')}`;
    }

    let sequence = 0;
    function event(owner: string | undefined, timestamp: string, document: Record<string, unknown>, id = `fields-${randomBytes(6).toString('hex')}-${sequence++}`): IndexableEvent {
      return { id, timestamp, document: { '@timestamp': timestamp, ...(owner === undefined ? {} : { organization: { id: owner } }), ...document } };
    }

    async function index(events: IndexableEvent[]): Promise<void> {
      const result = await store.bulkIndex(events);
      expect(result.rejected).toEqual([]);
      await refresh();
    }

    const fields = (request: FieldsRequest) => store.fields(request);

    it('lists each field of the tenant with its type, events, first and last hour and most common values', async () => {
      const t = tenant();
      await index([
        event(t, '2025-06-01T10:00:00.000Z', {
          message: 'alpha one',
          host: { name: 'web-1' },
          source: { ip: '10.0.0.2', port: 22 },
          user: { name: 'alice' },
          labels: { ok: true, n: 3 },
          tags: ['b', 'a', 'b'],
          event: { created: '2025-06-01T09:00:00Z' },
        }),
        event(t, '2025-06-01T10:10:00.000Z', { message: 'alpha two', host: { name: 'web-1' }, source: { ip: '10.0.0.10' }, labels: { ok: false }, tags: ['a'] }),
        event(t, '2025-06-01T11:20:00.000Z', { host: { name: 'web-2' }, source: { ip: '2001:db8::1' }, user: { name: 'bob' }, labels: { n: 3 } }),
      ]);
      const ten = '2025-06-01T10:00:00.000Z';
      const eleven = '2025-06-01T11:00:00.000Z';
      expect(await fields({ tenant: t, from: '2025-06-01T00:00:00Z', to: '2025-06-01T23:59:59Z' })).toEqual({
        events: 3,
        fields: [
          { name: '@timestamp', type: 'date', count: 3, firstSeen: ten, lastSeen: eleven, values: [] },
          { name: 'event.created', type: 'date', count: 1, firstSeen: ten, lastSeen: ten, values: [] },
          { name: 'host.name', type: 'keyword', count: 3, firstSeen: ten, lastSeen: eleven, values: ['web-1', 'web-2'] },
          { name: 'labels.n', type: 'number', count: 2, firstSeen: ten, lastSeen: eleven, values: [3] },
          { name: 'labels.ok', type: 'boolean', count: 2, firstSeen: ten, lastSeen: ten, values: [false, true] },
          { name: 'message', type: 'text', count: 2, firstSeen: ten, lastSeen: ten, values: [] },
          { name: 'organization.id', type: 'keyword', count: 3, firstSeen: ten, lastSeen: eleven, values: [t] },
          // One event each: by address, IPv4 before IPv6, .2 before .10.
          { name: 'source.ip', type: 'ip', count: 3, firstSeen: ten, lastSeen: eleven, values: ['10.0.0.2', '10.0.0.10', '2001:db8::1'] },
          { name: 'source.port', type: 'number', count: 1, firstSeen: ten, lastSeen: ten, values: [22] },
          // An event counts a value once, however often its list repeats it.
          { name: 'tags', type: 'keyword', count: 2, firstSeen: ten, lastSeen: ten, values: ['a', 'b'] },
          { name: 'user.name', type: 'keyword', count: 2, firstSeen: ten, lastSeen: eleven, values: ['alice', 'bob'] },
        ],
      });
    });

    it("shows no field or value of another tenant's events, nor of events without a tenant", async () => {
      const mine = tenant();
      const theirs = tenant();
      await index([
        event(mine, '2025-06-02T10:00:00.000Z', { host: { name: 'mine-host' }, secret: { a: 'mine-value' } }),
        event(theirs, '2025-06-02T10:00:01.000Z', { host: { name: 'their-host' }, secret: { b: 'their-value' }, user: { name: 'their-user' } }),
        event(undefined, '2025-06-02T10:00:02.000Z', { host: { name: 'nobody-host' }, stray: 'nobody-value' }),
      ]);
      const catalog = await fields({ tenant: mine, from: '2025-06-02T00:00:00Z', to: '2025-06-02T23:59:59Z' });
      expect(catalog.events).toBe(1);
      expect(catalog.fields.map((field) => field.name)).toEqual(['@timestamp', 'host.name', 'organization.id', 'secret.a']);
      expect(catalog.fields.find((field) => field.name === 'host.name')!.values).toEqual(['mine-host']);
      const text = JSON.stringify(catalog);
      for (const foreign of [theirs, 'their-host', 'their-value', 'their-user', 'secret.b', 'nobody-host', 'stray']) expect(text).not.toContain(foreign);
      expect(await fields({ tenant: tenant(), from: '2025-06-02T00:00:00Z', to: '2025-06-02T23:59:59Z' })).toEqual({ events: 0, fields: [] });
    });

    it('widens the range to whole hours', async () => {
      const t = tenant();
      await index([
        event(t, '2025-06-03T10:05:00.000Z', { k: 'x' }),
        event(t, '2025-06-03T10:55:00.000Z', { k: 'y' }),
        event(t, '2025-06-03T12:30:00.000Z', { k: 'z', late: 'q' }),
      ]);
      const inTen = await fields({ tenant: t, from: '2025-06-03T10:30:00Z', to: '2025-06-03T10:40:00Z' });
      expect(inTen.events).toBe(2);
      expect(inTen.fields.find((field) => field.name === 'k')).toEqual({ name: 'k', type: 'keyword', count: 2, firstSeen: '2025-06-03T10:00:00.000Z', lastSeen: '2025-06-03T10:00:00.000Z', values: ['x', 'y'] });
      expect(await fields({ tenant: t, from: '2025-06-03T11:00:00Z', to: '2025-06-03T11:59:59.999Z' })).toEqual({ events: 0, fields: [] });
      const all = await fields({ tenant: t, from: '2025-06-03T10:59:00Z', to: '2025-06-03T12:00:00Z' });
      expect(all.events).toBe(3);
      expect(all.fields.map((field) => [field.name, field.count, field.firstSeen, field.lastSeen])).toEqual([
        ['@timestamp', 3, '2025-06-03T10:00:00.000Z', '2025-06-03T12:00:00.000Z'],
        ['k', 3, '2025-06-03T10:00:00.000Z', '2025-06-03T12:00:00.000Z'],
        ['late', 1, '2025-06-03T12:00:00.000Z', '2025-06-03T12:00:00.000Z'],
        ['organization.id', 3, '2025-06-03T10:00:00.000Z', '2025-06-03T12:00:00.000Z'],
      ]);
      expect((await fields({ tenant: t })).events).toBe(3);
    });

    it('orders values by events, then by value in byte order, and gives as many as asked', async () => {
      const t = tenant();
      const hosts = ['c', 'a', 'c', 'b', 'é', 'c', 'a', 'b', 'd', 'B'];
      await index(hosts.map((host, i) => event(t, `2025-06-04T10:00:0${i}.000Z`, { host: { name: host } })));
      const values = async (sampleValues?: number) =>
        (await fields({ tenant: t, from: '2025-06-04T00:00:00Z', to: '2025-06-04T23:00:00Z', sampleValues })).fields.find((field) => field.name === 'host.name')!.values;
      expect(await values()).toEqual(['c', 'a', 'b', 'B', 'd']);
      expect(await values(3)).toEqual(['c', 'a', 'b']);
      expect(await values(10)).toEqual(['c', 'a', 'b', 'B', 'd', 'é']);
      expect(await values(0)).toEqual([]);
    });

    it('counts an event indexed again under its id once, with its new fields only', async () => {
      const t = tenant();
      await index([event(t, '2025-06-05T10:00:00.000Z', { host: { name: 'old' }, gone: 'g' }, `fields-replaced-${t}`)]);
      await index([event(t, '2025-06-05T10:00:00.000Z', { host: { name: 'new' } }, `fields-replaced-${t}`)]);
      const catalog = await fields({ tenant: t, from: '2025-06-05T00:00:00Z', to: '2025-06-05T23:00:00Z' });
      expect(catalog.events).toBe(1);
      expect(catalog.fields.map((field) => field.name)).toEqual(['@timestamp', 'host.name', 'organization.id']);
      expect(catalog.fields.find((field) => field.name === 'host.name')).toMatchObject({ count: 1, values: ['new'] });
    });

    it('lists a geo point and a flat object as one field without values, and leaves out what is not indexed', async () => {
      const t = tenant();
      await index([
        event(t, '2025-06-06T10:00:00.000Z', {
          message: 'x',
          event: { original: 'the raw line' },
          long: { key: 'k'.repeat(3000) },
          source: { geo: { location: { lat: 1.5, lon: 2.5 } } },
          kv: { a: 'x', b: { c: 'y' } },
        }),
      ]);
      const catalog = await fields({ tenant: t, from: '2025-06-06T00:00:00Z', to: '2025-06-06T23:00:00Z' });
      expect(catalog.fields.map((field) => [field.name, field.type, field.count, field.values])).toEqual([
        ['@timestamp', 'date', 1, []],
        ['kv', 'flat_object', 1, []],
        ['message', 'text', 1, []],
        ['organization.id', 'keyword', 1, [t]],
        ['source.geo.location', 'geo_point', 1, []],
      ]);
    });

    it('sums the days of the range', async () => {
      const t = tenant();
      await index([event(t, '2025-06-07T23:30:00.000Z', { k: 'late' }), event(t, '2025-06-08T00:30:00.000Z', { k: 'early' }), event(t, '2025-06-08T00:40:00.000Z', { k: 'early' })]);
      const catalog = await fields({ tenant: t, from: '2025-06-07T00:00:00Z', to: '2025-06-08T23:00:00Z' });
      expect(catalog.events).toBe(3);
      expect(catalog.fields.find((field) => field.name === 'k')).toEqual({ name: 'k', type: 'keyword', count: 3, firstSeen: '2025-06-07T23:00:00.000Z', lastSeen: '2025-06-08T00:00:00.000Z', values: ['early', 'late'] });
    });

    it('refuses a number of values or a time it cannot read, as a bad request', async () => {
      for (const request of [{ tenant: 't', sampleValues: 11 }, { tenant: 't', sampleValues: 1.5 }, { tenant: 't', from: 'last tuesday' }]) {
        const error = await store.fields(request).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).code).toBe('SIEM_STORE_BAD_REQUEST');
      }
    });
  });
}
