import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import type { EventStore, IndexableEvent, SearchRequest } from './types';

/**
 * The search semantics every EventStore must share, written once and run against each
 * implementation (EmbeddedStore in a unit test, OpenSearchStore in an integration test).
 * Every case tags its events with a marker word of its own and searches for it, so data
 * left by other cases or runs cannot interfere; fields are keywords except `message`.
 */
export function describeStoreConformance(name: string, makeStore: () => Promise<EventStore>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – store conformance`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
    });

    afterAll(async () => {
      await store?.close();
    });

    /** A word no other case uses; letters and digits only, so every analyzer keeps it whole. */
    function marker(): string {
      return `m${randomBytes(6).toString('hex')}`;
    }

    let sequence = 0;
    function event(timestamp: string, document: Record<string, unknown>, id = `conformance-${marker()}-${sequence++}`): IndexableEvent {
      return { id, timestamp, document: { '@timestamp': timestamp, ...document } };
    }

    async function index(events: IndexableEvent[]): Promise<void> {
      const result = await store.bulkIndex(events);
      expect(result.rejected).toEqual([]);
      expect(result.indexed).toBe(events.length);
      await refresh();
    }

    async function search(query: string, options: Partial<Omit<SearchRequest, 'query'>> = {}) {
      return store.search({ query: parseQuery(query), size: 100, ...options });
    }

    async function messages(query: string, options: Partial<Omit<SearchRequest, 'query'>> = {}): Promise<string[]> {
      const result = await search(query, options);
      return result.hits.map((hit) => String(hit.event.message));
    }

    it('finds free text on every word of message, whatever the case, newest first', async () => {
      const m = marker();
      await index([
        event('2026-03-01T10:00:00.000Z', { message: `${m} Failed password for root` }),
        event('2026-03-01T10:00:01.000Z', { message: `${m} Accepted password for alice` }),
        event('2026-03-01T10:00:02.000Z', { message: `${m} FAILED login` }),
      ]);
      expect(await messages(`${m} failed`)).toEqual([`${m} FAILED login`, `${m} Failed password for root`]);
      expect(await messages(`${m} password`)).toEqual([`${m} Accepted password for alice`, `${m} Failed password for root`]);
      expect(await messages(`${m} failed alice`)).toEqual([]);
    });

    it('matches a quoted phrase only with its words adjacent and in order', async () => {
      const m = marker();
      await index([
        event('2026-03-01T11:00:00.000Z', { message: `${m} bad password given` }),
        event('2026-03-01T11:00:01.000Z', { message: `${m} password was bad` }),
      ]);
      expect(await messages(`${m} "bad password"`)).toEqual([`${m} bad password given`]);
      expect(await messages(`${m} message:"password was"`)).toEqual([`${m} password was bad`]);
    });

    it('keeps an address in message as one word', async () => {
      const m = marker();
      await index([event('2026-03-01T11:30:00.000Z', { message: `${m} connection from 10.20.30.40 refused` })]);
      expect((await search(`${m} 10.20.30.40`)).total).toBe(1);
      expect((await search(`${m} 10.20`)).total).toBe(0);
    });

    it('compares keyword fields exactly and case-sensitively', async () => {
      const m = marker();
      await index([
        event('2026-03-01T12:00:00.000Z', { message: `${m} one`, host: { name: 'web-1' } }),
        event('2026-03-01T12:00:01.000Z', { message: `${m} two`, host: { name: 'Web-1' } }),
        event('2026-03-01T12:00:02.000Z', { message: `${m} three`, host: { name: 'web-10' } }),
      ]);
      expect(await messages(`${m} host.name:web-1`)).toEqual([`${m} one`]);
      expect(await messages(`${m} host.name:Web-1`)).toEqual([`${m} two`]);
      expect(await messages(`${m} host.name:web`)).toEqual([]);
    });

    it('matches numbers by value and lists by any element', async () => {
      const m = marker();
      await index([
        event('2026-03-01T12:30:00.000Z', { message: `${m} one`, source: { port: 22 }, tags: ['ssh', 'prod'] }),
        event('2026-03-01T12:30:01.000Z', { message: `${m} two`, source: { port: 2222 }, tags: ['dev'] }),
      ]);
      expect(await messages(`${m} source.port:22`)).toEqual([`${m} one`]);
      expect(await messages(`${m} tags:prod`)).toEqual([`${m} one`]);
    });

    it('negates a clause, keeping events without the field', async () => {
      const m = marker();
      await index([
        event('2026-03-01T13:00:00.000Z', { message: `${m} one`, user: { name: 'root' } }),
        event('2026-03-01T13:00:01.000Z', { message: `${m} two`, user: { name: 'alice' } }),
        event('2026-03-01T13:00:02.000Z', { message: `${m} three` }),
      ]);
      expect(await messages(`${m} -user.name:root`)).toEqual([`${m} three`, `${m} two`]);
      expect(await messages(`${m} -two`)).toEqual([`${m} three`, `${m} one`]);
    });

    it('expands * and ? wildcards on keyword fields, case-sensitively', async () => {
      const m = marker();
      await index([
        event('2026-03-01T14:00:00.000Z', { message: `${m} one`, process: { name: 'sshd' } }),
        event('2026-03-01T14:00:01.000Z', { message: `${m} two`, process: { name: 'ssh-agent' } }),
        event('2026-03-01T14:00:02.000Z', { message: `${m} three`, process: { name: 'SSHD' } }),
      ]);
      expect(await messages(`${m} process.name:ssh*`)).toEqual([`${m} two`, `${m} one`]);
      expect(await messages(`${m} process.name:ssh?`)).toEqual([`${m} one`]);
      expect(await messages(`${m} process.name:"ssh*"`)).toEqual([]);
    });

    it('reads field:* as "the field has a value"', async () => {
      const m = marker();
      await index([
        event('2026-03-01T15:00:00.000Z', { message: `${m} one`, user: { name: 'root' } }),
        event('2026-03-01T15:00:01.000Z', { message: `${m} two`, user: { id: '42' } }),
        event('2026-03-01T15:00:02.000Z', { message: `${m} three` }),
      ]);
      expect(await messages(`${m} user.name:*`)).toEqual([`${m} one`]);
      expect(await messages(`${m} -user.name:*`)).toEqual([`${m} three`, `${m} two`]);
    });

    it('treats query syntax of the engine inside free text as plain words', async () => {
      const m = marker();
      await index([event('2026-03-01T15:30:00.000Z', { message: `${m} near and or not`, user: { name: "o'brien" } })]);
      expect((await search(`${m} NEAR\\( \\AND ^or \\*not`)).total).toBe(1);
      expect((await search(`${m} user.name:"o'brien"`)).total).toBe(1);
      expect((await search(`${m} user.name:"'; DROP TABLE events; --"`)).total).toBe(0);
    });

    it('limits to the time range, both ends included, across days', async () => {
      const m = marker();
      await index([
        event('2026-03-02T23:59:59.999Z', { message: `${m} day2` }),
        event('2026-03-03T00:00:00.000Z', { message: `${m} day3 start` }),
        event('2026-03-03T12:00:00.000Z', { message: `${m} day3 noon` }),
        event('2026-03-04T00:00:00.000Z', { message: `${m} day4` }),
      ]);
      expect(await messages(m, { from: '2026-03-03T00:00:00.000Z', to: '2026-03-03T23:59:59.999Z' })).toEqual([`${m} day3 noon`, `${m} day3 start`]);
      expect(await messages(m, { from: '2026-03-03T12:00:00.000Z' })).toEqual([`${m} day4`, `${m} day3 noon`]);
      expect(await messages(m, { to: '2026-03-02T23:59:59.999Z' })).toEqual([`${m} day2`]);
      const hits = (await search(m)).hits;
      expect(hits.map((hit) => hit.index.slice(-10))).toEqual(['2026.03.04', '2026.03.03', '2026.03.03', '2026.03.02']);
    });

    it('returns the newest `size` hits and counts them all', async () => {
      const m = marker();
      await index(Array.from({ length: 30 }, (_, i) => event(new Date(Date.UTC(2026, 2, 5, 8, 0, i)).toISOString(), { message: `${m} n${i}` })));
      const result = await search(m, { size: 5 });
      expect(result.total).toBe(30);
      expect(result.hits.map((hit) => hit.event.message)).toEqual([29, 28, 27, 26, 25].map((i) => `${m} n${i}`));
      const none = await search(m, { size: 0 });
      expect(none).toEqual({ total: 30, hits: [] });
    });

    it('counts the matches in the time range', async () => {
      const m = marker();
      await index([
        event('2026-03-05T09:00:00.000Z', { message: `${m} one`, host: { name: 'a' } }),
        event('2026-03-05T10:00:00.000Z', { message: `${m} two`, host: { name: 'b' } }),
        event('2026-03-06T10:00:00.000Z', { message: `${m} three`, host: { name: 'a' } }),
      ]);
      expect(await store.count({ query: parseQuery(m) })).toBe(3);
      expect(await store.count({ query: parseQuery(`${m} host.name:a`) })).toBe(2);
      expect(await store.count({ query: parseQuery(m), from: '2026-03-05T10:00:00.000Z', to: '2026-03-05T23:59:59.999Z' })).toBe(1);
    });

    it('replaces an event indexed again under its id, text included', async () => {
      const m = marker();
      const first = event('2026-03-06T09:00:00.000Z', { message: `${m} original wording` });
      await index([first]);
      await index([{ ...first, document: { ...first.document, message: `${m} corrected text` } }]);
      expect((await search(m)).total).toBe(1);
      expect(await messages(`${m} original`)).toEqual([]);
      const hits = (await search(`${m} corrected`)).hits;
      expect(hits.map((hit) => hit.id)).toEqual([first.id]);
    });

    it('returns the id, the daily index and the document of each hit', async () => {
      const m = marker();
      const indexed = event('2026-03-07T06:07:08.000Z', { message: `${m} hello`, host: { name: 'h1' }, nested: { list: ['one', 'two'] } });
      await index([indexed]);
      const [hit] = (await search(m)).hits;
      expect(hit?.id).toBe(indexed.id);
      expect(hit?.index).toMatch(/2026\.03\.07$/);
      expect(hit?.event).toEqual(indexed.document);
    });

    it('rejects an event with an unreadable timestamp for good and indexes the rest', async () => {
      const m = marker();
      const good = event('2026-03-08T00:00:00.000Z', { message: `${m} fine` });
      const bad = event('not a date', { message: `${m} broken` });
      const result = await store.bulkIndex([good, bad]);
      await refresh();
      expect(result.indexed).toBe(1);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ id: bad.id, status: 400 });
      expect(await messages(m)).toEqual([`${m} fine`]);
    });
  });
}
