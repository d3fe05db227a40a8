import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreErrorCodes } from '../errors';
import type { AuditRecord, AuditStore } from './types';

const BASE = Date.parse('2026-12-04T10:00:00.000Z');

function record(n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: `rec-${String(n).padStart(3, '0')}`,
    // Records 4 and 5 share a millisecond: the id orders them.
    '@timestamp': new Date(BASE + (n === 5 ? 4 : n) * 60_000).toISOString(),
    tenant: 'acme',
    principal: { kind: 'key', id: n % 2 === 0 ? 'k-even' : 'k-odd', name: n % 2 === 0 ? 'alice' : 'bob', role: 'analyst' },
    method: n % 3 === 0 ? 'POST' : 'GET',
    route: n % 3 === 0 ? '/api/v1/search' : '/api/v1/alerts/:id',
    params: n % 3 === 0 ? {} : { id: `alert-${n}` },
    query: {},
    body: n % 3 === 0 ? { q: `user.name:u${n}`, size: 10 } : undefined,
    status: n === 7 ? 403 : n === 8 ? 404 : 200,
    sourceAddress: '198.51.100.7',
    durationMs: n + 0.5,
    ...overrides,
  };
}

/** What both audit stores answer alike; run by the embedded unit test and the OpenSearch integration test. */
export function describeAuditConformance(name: string, makeStore: () => Promise<AuditStore>): void {
  describe(`${name} – audit trail conformance`, () => {
    let store: AuditStore;
    const acme = Array.from({ length: 10 }, (_, i) => record(i + 1));
    const other = [record(20, { tenant: 'globex', principal: { kind: 'key', id: 'k-g', name: 'alice', role: 'admin' } })];
    const newestFirst = [...acme].sort((a, b) => b['@timestamp'].localeCompare(a['@timestamp']) || b.id.localeCompare(a.id));

    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
      await store.ensureReady();
      await store.append(acme.slice(0, 6));
      // A retried batch: records already stored stay once, as they were.
      await store.append([...acme.slice(4), ...other, { ...acme[0]!, status: 500 }]);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('returns a tenant its own records, newest first, each once and unchanged', async () => {
      const page = await store.search({ tenant: 'acme', size: 100 });
      expect(page.records).toEqual(newestFirst.map((r) => JSON.parse(JSON.stringify(r))));
      expect(page.next).toBeUndefined();
      expect((await store.search({ tenant: 'globex', size: 100 })).records.map((r) => r.id)).toEqual(['rec-020']);
      expect((await store.search({ tenant: 'initech', size: 100 })).records).toEqual([]);
    });

    it('filters by time range, principal id or name, route, method and status or status class', async () => {
      const ids = async (filter: Record<string, string>) => (await store.search({ tenant: 'acme', size: 100, ...filter })).records.map((r) => r.id);
      expect(await ids({ from: new Date(BASE + 3 * 60_000).toISOString(), to: new Date(BASE + 6 * 60_000).toISOString() })).toEqual(['rec-006', 'rec-005', 'rec-004', 'rec-003']);
      expect(await ids({ principal: 'k-even' })).toEqual(['rec-010', 'rec-008', 'rec-006', 'rec-004', 'rec-002']);
      expect(await ids({ principal: 'bob' })).toEqual(['rec-009', 'rec-007', 'rec-005', 'rec-003', 'rec-001']);
      expect(await ids({ principal: 'alice', route: '/api/v1/search' })).toEqual(['rec-006']);
      expect(await ids({ method: 'post' })).toEqual(['rec-009', 'rec-006', 'rec-003']);
      expect(await ids({ status: '403' })).toEqual(['rec-007']);
      expect(await ids({ status: '4xx' })).toEqual(['rec-008', 'rec-007']);
      expect(await ids({ status: '2xx', principal: 'nobody' })).toEqual([]);
    });

    it('pages with a cursor through every record exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.search({ tenant: 'acme', size: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.records.map((r) => r.id));
        cursor = page.next;
        pages++;
      } while (cursor !== undefined && pages < 10);
      expect(seen).toEqual(newestFirst.map((r) => r.id));
      expect(pages).toBe(4);
    });

    it('refuses a cursor, a time or a status it cannot read', async () => {
      await expect(store.search({ tenant: 'acme', size: 3, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: StoreErrorCodes.badRequest });
      await expect(store.search({ tenant: 'acme', size: 3, from: 'yesterday' })).rejects.toMatchObject({ code: StoreErrorCodes.badRequest });
      await expect(store.search({ tenant: 'acme', size: 3, status: '4x' })).rejects.toMatchObject({ code: StoreErrorCodes.badRequest });
    });

    it('offers no way to change or delete a record', () => {
      const methods = new Set<string>();
      for (let proto = Object.getPrototypeOf(store); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const key of Object.getOwnPropertyNames(proto)) if (typeof (store as unknown as Record<string, unknown>)[key] === 'function') methods.add(key);
      }
      expect([...methods].filter((m) => /update|delete|remove|replace|put|patch|clear|drop/i.test(m))).toEqual([]);
    });
  });
}
