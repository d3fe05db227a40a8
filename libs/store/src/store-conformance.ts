import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import type { Aggregation, AggregateResult } from './aggregations/types';
import type { EventAnalytics, EventStore, IndexableEvent, SearchRequest } from './types';

/**
 * The search semantics every EventStore must share, written once and run against each
 * implementation (EmbeddedStore in a unit test, OpenSearchStore in an integration test).
 * Every case tags its events with a marker word of its own and searches for it, so data
 * left by other cases or runs cannot interfere; fields are keywords except `message`.
 */
export function describeStoreConformance(name: string, makeStore: () => Promise<EventStore & EventAnalytics>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – store conformance`, () => {
    let store: EventStore & EventAnalytics;

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

    it('combines clauses with AND, OR and NOT, NOT binding tighter than AND, AND tighter than OR', async () => {
      const m = marker();
      await index([
        event('2026-03-09T10:00:00.000Z', { message: `${m} one`, user: { name: 'root' }, event: { outcome: 'failure' } }),
        event('2026-03-09T10:00:01.000Z', { message: `${m} two`, user: { name: 'alice' }, event: { outcome: 'failure' } }),
        event('2026-03-09T10:00:02.000Z', { message: `${m} three`, user: { name: 'alice' }, event: { outcome: 'success' } }),
        event('2026-03-09T10:00:03.000Z', { message: `${m} four`, user: { name: 'bob' }, event: { outcome: 'success' } }),
      ]);
      expect(await messages(`${m} user.name:alice AND event.outcome:failure`)).toEqual([`${m} two`]);
      expect(await messages(`${m} (user.name:root OR user.name:bob AND event.outcome:success)`)).toEqual([`${m} four`, `${m} one`]);
      expect(await messages(`${m} (user.name:root || user.name:alice) && !event.outcome:success`)).toEqual([`${m} two`, `${m} one`]);
      expect(await messages(`${m} NOT user.name:alice`)).toEqual([`${m} four`, `${m} one`]);
      expect(await messages(`${m} (one OR four) -user.name:bob`)).toEqual([`${m} one`]);
    });

    it('applies a field to a group of values', async () => {
      const m = marker();
      await index([
        event('2026-03-09T11:00:00.000Z', { message: `${m} one`, user: { name: 'root' } }),
        event('2026-03-09T11:00:01.000Z', { message: `${m} two`, user: { name: 'alice' } }),
        event('2026-03-09T11:00:02.000Z', { message: `${m} three`, user: { name: 'bob' } }),
      ]);
      expect(await messages(`${m} user.name:(root OR bob)`)).toEqual([`${m} three`, `${m} one`]);
      expect(await messages(`${m} -user.name:(root OR "alice")`)).toEqual([`${m} three`]);
      expect(await messages(`${m} message:(one OR two)`)).toEqual([`${m} two`, `${m} one`]);
    });

    it('compares numbers in ranges and comparisons, each bound inclusive or exclusive', async () => {
      const m = marker();
      await index([21, 22, 1023, 1024, 8080].map((port, i) => event(`2026-03-09T12:00:0${i}.000Z`, { message: `${m} p${port}`, source: { port } })));
      expect(await messages(`${m} source.port:[22 TO 1024}`)).toEqual([`${m} p1023`, `${m} p22`]);
      expect(await messages(`${m} source.port:{22 TO 1024]`)).toEqual([`${m} p1024`, `${m} p1023`]);
      expect(await messages(`${m} source.port:>=1024`)).toEqual([`${m} p8080`, `${m} p1024`]);
      expect(await messages(`${m} source.port:<22`)).toEqual([`${m} p21`]);
      expect(await messages(`${m} source.port:[1024 TO *]`)).toEqual([`${m} p8080`, `${m} p1024`]);
    });

    it('compares keyword ranges as strings, by code point', async () => {
      const m = marker();
      await index(['db-1', 'web-1', 'web-2', 'Web-3'].map((name, i) => event(`2026-03-09T12:30:0${i}.000Z`, { message: `${m} ${name}`, host: { name } })));
      expect(await messages(`${m} host.name:[db TO web-1]`)).toEqual([`${m} web-1`, `${m} db-1`]);
      expect(await messages(`${m} host.name:{db-1 TO *}`)).toEqual([`${m} web-2`, `${m} web-1`]);
      expect(await messages(`${m} host.name:<a`)).toEqual([`${m} Web-3`]);
    });

    it('compares dates as instants, a date standing for its whole span', async () => {
      const m = marker();
      await index([
        event('2026-03-10T09:59:59.999Z', { message: `${m} a` }),
        event('2026-03-10T10:00:00.000Z', { message: `${m} b` }),
        event('2026-03-10T23:00:00.000Z', { message: `${m} c` }),
        event('2026-03-11T00:00:00.000Z', { message: `${m} d` }),
      ]);
      expect(await messages(`${m} @timestamp:2026-03-10`)).toEqual([`${m} c`, `${m} b`, `${m} a`]);
      expect(await messages(`${m} @timestamp:[2026-03-10T10:00 TO 2026-03-11}`)).toEqual([`${m} c`, `${m} b`]);
      expect(await messages(`${m} @timestamp:{2026-03-10T09:59:59 TO 2026-03-11T00:00:00.000Z]`)).toEqual([`${m} d`, `${m} c`, `${m} b`]);
      expect(await messages(`${m} @timestamp:>2026-03-10T23:00:00.000Z`)).toEqual([`${m} d`]);
      expect(await messages(`${m} @timestamp:2026-03-10T12:00:01+02:00`)).toEqual([]);
      expect(await messages(`${m} @timestamp:2026-03-10T12:00+02:00`)).toEqual([`${m} b`]);
    });

    it('reads relative times from now', async () => {
      const m = marker();
      const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
      await index([event(ago(3 * 86_400_000), { message: `${m} days` }), event(ago(2 * 3_600_000), { message: `${m} hours` }), event(ago(5 * 60_000), { message: `${m} minutes` })]);
      expect(await messages(`${m} @timestamp:>now-15m`)).toEqual([`${m} minutes`]);
      expect(await messages(`${m} @timestamp:[now-1d TO now]`)).toEqual([`${m} minutes`, `${m} hours`]);
      expect(await messages(`${m} @timestamp:<now-1d/d`)).toEqual([`${m} days`]);
    });

    it('matches IPv4 addresses, CIDR blocks and address ranges on ip fields', async () => {
      const m = marker();
      await index(['10.1.2.3', '10.200.0.1', '172.16.5.4', '192.168.1.1'].map((ip, i) => event(`2026-03-11T10:00:0${i}.000Z`, { message: `${m} ${ip}`, source: { ip } })));
      expect(await messages(`${m} source.ip:10.0.0.0/8`)).toEqual([`${m} 10.200.0.1`, `${m} 10.1.2.3`]);
      expect(await messages(`${m} source.ip:172.16.0.0/12`)).toEqual([`${m} 172.16.5.4`]);
      expect(await messages(`${m} -source.ip:10.0.0.0/8`)).toEqual([`${m} 192.168.1.1`, `${m} 172.16.5.4`]);
      expect(await messages(`${m} source.ip:[10.1.0.0 TO 172.16.5.4]`)).toEqual([`${m} 172.16.5.4`, `${m} 10.200.0.1`, `${m} 10.1.2.3`]);
      expect(await messages(`${m} source.ip:10.1.2.3`)).toEqual([`${m} 10.1.2.3`]);
    });

    it('matches IPv6 addresses in any notation, and CIDR blocks', async () => {
      const m = marker();
      await index(['2001:db8::5', '2001:db8:1::1', '2001:db9::1', '::ffff:10.9.9.9'].map((ip, i) => event(`2026-03-11T11:00:0${i}.000Z`, { message: `${m} n${i}`, source: { ip } })));
      expect(await messages(`${m} source.ip:2001:db8::/32`)).toEqual([`${m} n1`, `${m} n0`]);
      expect(await messages(`${m} source.ip:2001:db8:0:0:0:0:0:5`)).toEqual([`${m} n0`]);
      expect(await messages(`${m} source.ip:10.9.9.9`)).toEqual([`${m} n3`]);
      expect(await messages(`${m} source.ip:10.0.0.0/8`)).toEqual([`${m} n3`]);
    });

    it('reads field:[* TO *] as exists, and escaped wildcards as characters', async () => {
      const m = marker();
      await index(['web-10', 'web-2', 'web*', 'db-1'].map((name, i) => event(`2026-03-11T12:00:0${i}.000Z`, { message: `${m} n${i}`, host: { name } })));
      await index([event('2026-03-11T12:00:09.000Z', { message: `${m} none` })]);
      expect(await messages(`${m} host.name:web*`)).toEqual([`${m} n2`, `${m} n1`, `${m} n0`]);
      expect(await messages(`${m} host.name:web\\*`)).toEqual([`${m} n2`]);
      expect(await messages(`${m} host.name:web-?0`)).toEqual([`${m} n0`]);
      expect(await messages(`${m} host.name:*-?`)).toEqual([`${m} n3`, `${m} n1`]);
      expect(await messages(`${m} host.name:[* TO *]`)).toHaveLength(4);
      expect(await messages(`${m} NOT host.name:[* TO *]`)).toEqual([`${m} none`]);
    });

    it('keeps escaped characters and colons in values', async () => {
      const m = marker();
      await index([
        event('2026-03-11T13:00:00.000Z', { message: `${m} one`, url: { original: 'http://x/a(b)' } }),
        event('2026-03-11T13:00:01.000Z', { message: `${m} two`, url: { original: 'http://x/' }, user: { name: 'john smith' } }),
        event('2026-03-11T13:00:02.000Z', { message: `${m} three`, a: ':b' }),
      ]);
      expect(await messages(`${m} url.original:http://x/`)).toEqual([`${m} two`]);
      expect(await messages(`${m} url.original:http://x/a\\(b\\)`)).toEqual([`${m} one`]);
      expect(await messages(`${m} user.name:john\\ smith`)).toEqual([`${m} two`]);
      expect(await messages(`${m} a::b`)).toEqual([`${m} three`]);
    });

    it('matches unicode words, phrases and keywords', async () => {
      const m = marker();
      await index([event('2026-03-11T14:00:00.000Z', { message: `${m} Café 日本 naïve`, host: { name: 'Wéb-日本' } })]);
      expect((await search(`${m} café`)).total).toBe(1);
      expect((await search(`${m} "日本"`)).total).toBe(1);
      expect((await search(`${m} "本日"`)).total).toBe(0);
      expect((await search(`${m} host.name:Wéb-日本`)).total).toBe(1);
      expect((await search(`${m} host.name:Wéb*`)).total).toBe(1);
      expect((await search(`${m} host.name:wéb*`)).total).toBe(0);
    });

    it('matches the start of a word in free text with a trailing *', async () => {
      const m = marker();
      await index(['Failed login', 'failure', 'fail', 'FAILING now', 'unfailing'].map((text, i) => event(`2026-03-11T15:00:0${i}.000Z`, { message: `${m} ${text}` })));
      expect(await messages(`${m} fail*`)).toEqual([`${m} FAILING now`, `${m} fail`, `${m} failure`, `${m} Failed login`]);
      expect(await messages(`${m} -fail*`)).toEqual([`${m} unfailing`]);
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
      expect(none).toEqual({ total: 30, totalRelation: 'eq', hits: [] });
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

    async function aggregate(query: string, aggs: Record<string, Aggregation>, range: { from?: string; to?: string } = {}): Promise<AggregateResult> {
      return store.aggregate({ query: parseQuery(query), aggs, ...range });
    }

    async function pages(query: string, size: number, sort: 'asc' | 'desc' = 'desc'): Promise<string[][]> {
      const out: string[][] = [];
      let searchAfter: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await store.search({ query: parseQuery(query), size, sort, searchAfter });
        out.push(page.hits.map((hit) => String(hit.event.message)));
        if (!page.next) break;
        searchAfter = page.next;
      }
      return out;
    }

    const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 3, day, hour, minute)).toISOString();

    it('sorts oldest first when asked', async () => {
      const m = marker();
      await index([0, 1, 2].map((i) => event(at(1, 8 + i), { message: `${m} n${i}` })));
      expect(await messages(m, { sort: 'asc' })).toEqual([`${m} n0`, `${m} n1`, `${m} n2`]);
      expect(await messages(m, { sort: 'desc' })).toEqual([`${m} n2`, `${m} n1`, `${m} n0`]);
    });

    it('pages newest first with search_after, each hit once, the last page without a cursor', async () => {
      const m = marker();
      await index(Array.from({ length: 7 }, (_, i) => event(at(2, 1, i), { message: `${m} n${i}` })));
      expect(await pages(m, 3)).toEqual([
        [`${m} n6`, `${m} n5`, `${m} n4`],
        [`${m} n3`, `${m} n2`, `${m} n1`],
        [`${m} n0`],
      ]);
    });

    it('pages oldest first with search_after', async () => {
      const m = marker();
      await index(Array.from({ length: 5 }, (_, i) => event(at(2, 2, i), { message: `${m} n${i}` })));
      expect(await pages(m, 2, 'asc')).toEqual([[`${m} n0`, `${m} n1`], [`${m} n2`, `${m} n3`], [`${m} n4`]]);
    });

    it('pages across days', async () => {
      const m = marker();
      await index([3, 4, 5].flatMap((day) => [event(at(day, 23, 59), { message: `${m} d${day}b` }), event(at(day, 0, 1), { message: `${m} d${day}a` })]));
      expect((await pages(m, 4)).flat()).toEqual([`${m} d5b`, `${m} d5a`, `${m} d4b`, `${m} d4a`, `${m} d3b`, `${m} d3a`]);
      expect((await pages(m, 1, 'asc')).flat()).toEqual([`${m} d3a`, `${m} d3b`, `${m} d4a`, `${m} d4b`, `${m} d5a`, `${m} d5b`]);
    });

    it('pages through events of one millisecond without losing or repeating one', async () => {
      const m = marker();
      await index(Array.from({ length: 7 }, (_, i) => event(at(6, 12), { message: `${m} n${i}` })));
      const seen = (await pages(m, 2)).flat();
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      const ascending = (await pages(m, 3, 'asc')).flat();
      expect(ascending).toEqual([...seen].reverse());
    });

    async function exportPages(query: string, size: number, sort: 'asc' | 'desc' = 'desc', range: { from?: string; to?: string } = {}): Promise<string[][]> {
      const out: string[][] = [];
      let searchAfter: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page = await store.exportPage({ query: parseQuery(query), size, sort, searchAfter, ...range });
        out.push(page.hits.map((hit) => String((JSON.parse(hit.json) as { message: unknown }).message)));
        if (!page.next) break;
        searchAfter = page.next;
      }
      return out;
    }

    it('exports every match in the order search pages them, as the stored JSON, across days and within a millisecond', async () => {
      const m = marker();
      const events = [
        ...[9, 10].flatMap((day) => [event(at(day, 23, 59), { message: `${m} d${day}b`, user: { name: 'é"\\' } }), event(at(day, 0, 1), { message: `${m} d${day}a` })]),
        ...Array.from({ length: 5 }, (_, i) => event(at(11, 12), { message: `${m} same${i}` })),
      ];
      await index(events);
      for (const sort of ['desc', 'asc'] as const) {
        const searched = (await pages(m, 3, sort)).flat();
        expect((await exportPages(m, 3, sort)).flat()).toEqual(searched);
        expect((await exportPages(m, 100, sort)).flat()).toEqual(searched);
      }
      expect((await exportPages(m, 2)).map((page) => page.length)).toEqual([2, 2, 2, 2, 1]);
      expect((await exportPages(m, 10, 'asc', { from: at(10, 0), to: at(10, 23, 59) })).flat()).toEqual([`${m} d10a`, `${m} d10b`]);
      const [first] = (await store.exportPage({ query: parseQuery(`${m} d9b`), size: 1 })).hits;
      expect(first?.id).toBe(events[0]!.id);
      expect(JSON.parse(first!.json)).toEqual(events[0]!.document);
      await expect(store.exportPage({ query: parseQuery(m), size: 1, searchAfter: 'not-a-cursor' })).rejects.toMatchObject({ code: 'SIEM_STORE_BAD_REQUEST' });
    });

    it('keeps the total of the whole query on every page, flagged exact', async () => {
      const m = marker();
      await index(Array.from({ length: 4 }, (_, i) => event(at(7, 1, i), { message: `${m} n${i}` })));
      const first = await search(m, { size: 2 });
      const second = await search(m, { size: 2, searchAfter: first.next });
      expect([first.total, first.totalRelation, second.total, second.totalRelation]).toEqual([4, 'eq', 4, 'eq']);
    });

    it('refuses a cursor it did not give out', async () => {
      const m = marker();
      await expect(search(m, { searchAfter: 'not-a-cursor' })).rejects.toMatchObject({ code: 'SIEM_STORE_BAD_REQUEST' });
    });

    it('reads one event by its id, and nothing for an unknown id', async () => {
      const m = marker();
      const stored = event(at(8, 9), { message: `${m} one`, host: { name: 'h' } });
      await index([stored, event(at(9, 9), { message: `${m} two` })]);
      const hit = await store.getEvent(stored.id);
      expect(hit?.id).toBe(stored.id);
      expect(hit?.index).toMatch(/2026\.04\.08$/);
      expect(hit?.event).toEqual(stored.document);
      expect(await store.getEvent(`${m}-absent`)).toBeUndefined();
    });

    /** Six sign-ins: alice ×3, bob ×2, carol ×1, one without a user. */
    async function signIns(m: string): Promise<void> {
      const users = ['alice', 'bob', 'alice', 'carol', 'bob', 'alice', undefined];
      await index(users.map((name, i) => event(at(10, 10, i), { message: `${m} n${i}`, user: name === undefined ? {} : { name }, event: { outcome: i % 2 ? 'failure' : 'success' } })));
    }

    it('counts the top values of a field, ties by value', async () => {
      const m = marker();
      await index(['a', 'c', 'b', 'a', 'c', 'b', 'a', 'd'].map((v, i) => event(at(11, 1, i), { message: `${m} n${i}`, labels: { team: v } })));
      const result = await aggregate(m, { top: { type: 'terms', field: 'labels.team' } });
      expect(result.total).toBe(8);
      expect(result.aggs.top).toEqual({ buckets: [{ key: 'a', count: 3 }, { key: 'b', count: 2 }, { key: 'c', count: 2 }, { key: 'd', count: 1 }], other: 0 });
    });

    it('returns `size` buckets and counts the rest as other', async () => {
      const m = marker();
      await signIns(m);
      expect((await aggregate(m, { top: { type: 'terms', field: 'user.name', size: 2 } })).aggs.top).toEqual({ buckets: [{ key: 'alice', count: 3 }, { key: 'bob', count: 2 }], other: 1 });
    });

    it('counts the events without the field in a missing bucket when asked', async () => {
      const m = marker();
      await signIns(m);
      expect((await aggregate(m, { top: { type: 'terms', field: 'user.name', missing: true } })).aggs.top).toEqual({
        buckets: [{ key: 'alice', count: 3 }, { key: 'bob', count: 2 }, { key: 'carol', count: 1 }],
        other: 0,
        missing: 1,
      });
    });

    it('orders buckets by value or by rising count', async () => {
      const m = marker();
      await signIns(m);
      const keys = async (order: 'key_asc' | 'key_desc' | 'count_asc') => ((await aggregate(m, { top: { type: 'terms', field: 'user.name', order } })).aggs.top as { buckets: { key: unknown }[] }).buckets.map((b) => b.key);
      expect(await keys('key_asc')).toEqual(['alice', 'bob', 'carol']);
      expect(await keys('key_desc')).toEqual(['carol', 'bob', 'alice']);
      expect(await keys('count_asc')).toEqual(['carol', 'bob', 'alice']);
    });

    it('aggregates only the events the query and the time range match', async () => {
      const m = marker();
      await signIns(m);
      expect((await aggregate(`${m} event.outcome:success`, { top: { type: 'terms', field: 'user.name' } })).aggs.top).toEqual({ buckets: [{ key: 'alice', count: 2 }, { key: 'bob', count: 1 }], other: 0 });
      const ranged = await aggregate(m, { top: { type: 'terms', field: 'user.name' } }, { from: at(10, 10, 1), to: at(10, 10, 3) });
      expect(ranged.total).toBe(3);
      expect(ranged.aggs.top).toEqual({ buckets: [{ key: 'alice', count: 1 }, { key: 'bob', count: 1 }, { key: 'carol', count: 1 }], other: 0 });
    });

    it('counts an event once in the bucket of each element of a list', async () => {
      const m = marker();
      await index([['x', 'y'], ['x'], ['y', 'z', 'x'], []].map((tags, i) => event(at(11, 2, i), { message: `${m} n${i}`, labels: { tags } })));
      expect((await aggregate(m, { top: { type: 'terms', field: 'labels.tags', missing: true } })).aggs.top).toEqual({
        buckets: [{ key: 'x', count: 3 }, { key: 'y', count: 2 }, { key: 'z', count: 1 }],
        other: 0,
        missing: 1,
      });
    });

    it('keys number fields by number and ip fields by address', async () => {
      const m = marker();
      await index([
        [22, '10.0.0.1'],
        [443, '10.0.0.2'],
        [22, '10.0.0.1'],
      ].map(([port, ip], i) => event(at(11, 3, i), { message: `${m} n${i}`, destination: { port, ip } })));
      const result = await aggregate(m, { ports: { type: 'terms', field: 'destination.port' }, ips: { type: 'terms', field: 'destination.ip', order: 'key_asc' } });
      expect(result.aggs.ports).toEqual({ buckets: [{ key: 22, count: 2 }, { key: 443, count: 1 }], other: 0 });
      expect(result.aggs.ips).toEqual({ buckets: [{ key: '10.0.0.1', count: 2 }, { key: '10.0.0.2', count: 1 }], other: 0 });
    });

    it('keys boolean fields as "true" and "false"', async () => {
      const m = marker();
      await index([true, false, true].map((flag, i) => event(at(11, 4, i), { message: `${m} n${i}`, labels: { blocked: flag } })));
      expect((await aggregate(m, { b: { type: 'terms', field: 'labels.blocked' } })).aggs.b).toEqual({ buckets: [{ key: 'true', count: 2 }, { key: 'false', count: 1 }], other: 0 });
    });

    it('computes metrics in each bucket', async () => {
      const m = marker();
      await index([
        ['web', 100, 'a'],
        ['web', 300, 'b'],
        ['db', 50, 'a'],
        ['web', 200, 'a'],
      ].map(([host, bytes, user], i) => event(at(11, 5, i), { message: `${m} n${i}`, labels: { host, user }, http: { response: { bytes } } })));
      const result = await aggregate(m, {
        hosts: { type: 'terms', field: 'labels.host', aggs: { bytes: { type: 'stats', field: 'http.response.bytes' }, users: { type: 'cardinality', field: 'labels.user' } } },
      });
      expect(result.aggs.hosts).toEqual({
        buckets: [
          { key: 'web', count: 3, aggs: { bytes: { count: 3, min: 100, max: 300, avg: 200, sum: 600 }, users: { value: 2 } } },
          { key: 'db', count: 1, aggs: { bytes: { count: 1, min: 50, max: 50, avg: 50, sum: 50 }, users: { value: 1 } } },
        ],
        other: 0,
      });
    });

    it('counts events per hour, empty hours included', async () => {
      const m = marker();
      await index([at(12, 10, 5), at(12, 10, 50), at(12, 13, 10)].map((time, i) => event(time, { message: `${m} n${i}` })));
      expect((await aggregate(m, { perHour: { type: 'date_histogram', interval: '1h' } })).aggs.perHour).toEqual({
        buckets: [
          { key: at(12, 10), count: 2 },
          { key: at(12, 11), count: 0 },
          { key: at(12, 12), count: 0 },
          { key: at(12, 13), count: 1 },
        ],
      });
    });

    it('buckets by minutes and seconds on a fixed interval', async () => {
      const m = marker();
      await index(['2026-04-12T20:00:01.000Z', '2026-04-12T20:14:59.999Z', '2026-04-12T20:15:00.000Z', '2026-04-12T20:44:00.000Z'].map((time, i) => event(time, { message: `${m} n${i}` })));
      expect((await aggregate(m, { h: { type: 'date_histogram', interval: '15m' } })).aggs.h).toEqual({
        buckets: [
          { key: '2026-04-12T20:00:00.000Z', count: 2 },
          { key: '2026-04-12T20:15:00.000Z', count: 1 },
          { key: '2026-04-12T20:30:00.000Z', count: 1 },
        ],
      });
      expect(((await aggregate(m, { h: { type: 'date_histogram', interval: '30s' } })).aggs.h as { buckets: unknown[] }).buckets).toHaveLength(89);
    });

    it('starts daily buckets at local midnight in the time zone asked', async () => {
      const m = marker();
      await index(['2026-04-13T21:30:00.000Z', '2026-04-13T22:30:00.000Z', '2026-04-14T01:00:00.000Z'].map((time, i) => event(time, { message: `${m} n${i}` })));
      const daily = async (timeZone?: string) => (await aggregate(m, { d: { type: 'date_histogram', interval: '1d', timeZone } })).aggs.d;
      expect(await daily()).toEqual({ buckets: [{ key: '2026-04-13T00:00:00.000Z', count: 2 }, { key: '2026-04-14T00:00:00.000Z', count: 1 }] });
      expect(await daily('+02:00')).toEqual({ buckets: [{ key: '2026-04-12T22:00:00.000Z', count: 1 }, { key: '2026-04-13T22:00:00.000Z', count: 2 }] });
      expect(await daily('Europe/Paris')).toEqual(await daily('+02:00'));
      expect(await daily('America/New_York')).toEqual({ buckets: [{ key: '2026-04-13T04:00:00.000Z', count: 3 }] });
    });

    it('computes metrics in each time bucket', async () => {
      const m = marker();
      await index([
        [at(14, 1, 0), 'a'],
        [at(14, 1, 30), 'b'],
        [at(14, 2, 0), 'a'],
        [at(14, 2, 10), 'a'],
      ].map(([time, user], i) => event(time!, { message: `${m} n${i}`, labels: { user } })));
      expect((await aggregate(m, { h: { type: 'date_histogram', interval: '1h', aggs: { users: { type: 'cardinality', field: 'labels.user' } } } })).aggs.h).toEqual({
        buckets: [
          { key: at(14, 1), count: 2, aggs: { users: { value: 2 } } },
          { key: at(14, 2), count: 2, aggs: { users: { value: 1 } } },
        ],
      });
    });

    it('computes count, min, max, average and sum of a number field', async () => {
      const m = marker();
      await index([10, 20, 30, 40, undefined].map((bytes, i) => event(at(15, 1, i), { message: `${m} n${i}`, http: { request: bytes === undefined ? {} : { bytes } } })));
      expect((await aggregate(m, { s: { type: 'stats', field: 'http.request.bytes' } })).aggs.s).toEqual({ count: 4, min: 10, max: 40, avg: 25, sum: 100 });
    });

    it('reads every element of a number list in stats', async () => {
      const m = marker();
      await index([[1, 2], [3], [4, 10]].map((codes, i) => event(at(15, 2, i), { message: `${m} n${i}`, labels: { codes } })));
      expect((await aggregate(m, { s: { type: 'stats', field: 'labels.codes' } })).aggs.s).toEqual({ count: 5, min: 1, max: 10, avg: 4, sum: 20 });
    });

    it('computes exact percentiles by interpolating between ranks', async () => {
      const m = marker();
      await index([7, 3, 10, 1, 5, 2, 9, 4, 8, 6].map((ms, i) => event(at(15, 3, i), { message: `${m} n${i}`, event: { duration: ms } })));
      expect((await aggregate(m, { p: { type: 'percentiles', field: 'event.duration', percents: [0, 25, 50, 100] } })).aggs.p).toEqual({ values: { '0': 1, '25': 3.25, '50': 5.5, '100': 10 } });
    });

    it('weighs repeated values in percentiles and uses the default percents', async () => {
      const m = marker();
      await index([5, 5, 5, 1].map((ms, i) => event(at(15, 4, i), { message: `${m} n${i}`, event: { duration: ms } })));
      const result = (await aggregate(m, { p: { type: 'percentiles', field: 'event.duration' } })).aggs.p as { values: Record<string, number> };
      expect(Object.keys(result.values)).toEqual(['1', '5', '25', '50', '75', '95', '99']);
      expect(result.values['50']).toBe(5);
      expect(result.values['1']).toBe(1.12);
    });

    it('counts distinct values exactly, list elements included', async () => {
      const m = marker();
      await index([['a'], ['b', 'c'], ['a', 'd'], []].map((names, i) => event(at(15, 5, i), { message: `${m} n${i}`, labels: { names } })));
      expect((await aggregate(m, { c: { type: 'cardinality', field: 'labels.names' } })).aggs.c).toEqual({ value: 4 });
    });

    it('returns the newest events, also per bucket', async () => {
      const m = marker();
      const events = ['a', 'b', 'a', 'a', 'b'].map((user, i) => event(at(16, 1, i), { message: `${m} n${i}`, labels: { user } }));
      await index(events);
      const result = await aggregate(m, { latest: { type: 'top_hits', size: 2 }, byUser: { type: 'terms', field: 'labels.user', aggs: { last: { type: 'top_hits', size: 1 } } } });
      expect((result.aggs.latest as { hits: { id: string }[] }).hits.map((hit) => hit.id)).toEqual([events[4]!.id, events[3]!.id]);
      expect((result.aggs.latest as { hits: { event: unknown }[] }).hits[0]!.event).toEqual(events[4]!.document);
      const buckets = (result.aggs.byUser as unknown as { buckets: { key: string; aggs: { last: { hits: { id: string }[] } } }[] }).buckets;
      expect(buckets.map((bucket) => [bucket.key, bucket.aggs.last.hits.map((hit) => hit.id)])).toEqual([
        ['a', [events[3]!.id]],
        ['b', [events[4]!.id]],
      ]);
    });

    it('answers empty buckets and null metrics when nothing matches', async () => {
      const m = marker();
      const result = await aggregate(m, {
        t: { type: 'terms', field: 'user.name', missing: true },
        h: { type: 'date_histogram', interval: '1h' },
        s: { type: 'stats', field: 'source.port' },
        p: { type: 'percentiles', field: 'source.port', percents: [50] },
        c: { type: 'cardinality', field: 'user.name' },
        top: { type: 'top_hits' },
      });
      expect(result).toEqual({
        total: 0,
        aggs: {
          t: { buckets: [], other: 0, missing: 0 },
          h: { buckets: [] },
          s: { count: 0, min: null, max: null, avg: null, sum: 0 },
          p: { values: { '50': null } },
          c: { value: 0 },
          top: { hits: [] },
        },
      });
    });

    it('runs several aggregations in one request over the same events', async () => {
      const m = marker();
      await signIns(m);
      const result = await aggregate(m, { users: { type: 'terms', field: 'user.name', size: 1 }, outcomes: { type: 'terms', field: 'event.outcome' }, distinct: { type: 'cardinality', field: 'user.name' } });
      expect(result.total).toBe(7);
      expect(result.aggs).toEqual({
        users: { buckets: [{ key: 'alice', count: 3 }], other: 3 },
        outcomes: { buckets: [{ key: 'success', count: 4 }, { key: 'failure', count: 3 }], other: 0 },
        distinct: { value: 3 },
      });
    });

    it('computes percentiles in each bucket', async () => {
      const m = marker();
      await index([
        ['a', 1],
        ['a', 3],
        ['b', 10],
        ['a', 2],
      ].map(([host, ms], i) => event(at(17, 1, i), { message: `${m} n${i}`, labels: { host }, event: { duration: ms } })));
      expect((await aggregate(m, { hosts: { type: 'terms', field: 'labels.host', aggs: { p: { type: 'percentiles', field: 'event.duration', percents: [50, 100] } } } })).aggs.hosts).toEqual({
        buckets: [
          { key: 'a', count: 3, aggs: { p: { values: { '50': 2, '100': 3 } } } },
          { key: 'b', count: 1, aggs: { p: { values: { '50': 10, '100': 10 } } } },
        ],
        other: 0,
      });
    });

    it('sums a number field per hour', async () => {
      const m = marker();
      await index([
        [at(17, 5, 1), 5],
        [at(17, 5, 2), 7],
        [at(17, 7, 0), 1],
      ].map(([time, bytes], i) => event(time as string, { message: `${m} n${i}`, http: { response: { bytes } } })));
      const buckets = ((await aggregate(m, { h: { type: 'date_histogram', interval: '1h', aggs: { bytes: { type: 'stats', field: 'http.response.bytes' } } } })).aggs.h as unknown as { buckets: { key: string; count: number; aggs: { bytes: { sum: number } } }[] }).buckets;
      expect(buckets.map((bucket) => [bucket.key, bucket.count, bucket.aggs.bytes.sum])).toEqual([
        [at(17, 5), 2, 12],
        [at(17, 6), 0, 0],
        [at(17, 7), 1, 1],
      ]);
    });

    it('returns three newest events by default in top hits', async () => {
      const m = marker();
      await index(Array.from({ length: 5 }, (_, i) => event(at(17, 9, i), { message: `${m} n${i}` })));
      expect(((await aggregate(m, { top: { type: 'top_hits' } })).aggs.top as unknown as { hits: { event: { message: string } }[] }).hits.map((hit) => hit.event.message)).toEqual([`${m} n4`, `${m} n3`, `${m} n2`]);
    });

    it('buckets by a date field other than @timestamp', async () => {
      const m = marker();
      await index([at(18, 1, 0), at(18, 1, 1), at(18, 3, 0)].map((ingested, i) => event(at(18, 12, i), { message: `${m} n${i}`, event: { ingested } })));
      expect((await aggregate(m, { h: { type: 'date_histogram', field: 'event.ingested', interval: '2h' } })).aggs.h).toEqual({
        buckets: [
          { key: at(18, 0), count: 2 },
          { key: at(18, 2), count: 1 },
        ],
      });
    });

    it('refuses an interval, a time zone or a field name it cannot read, and buckets nested in buckets', async () => {
      const m = marker();
      const refused = { code: 'SIEM_STORE_BAD_REQUEST' };
      await expect(aggregate(m, { h: { type: 'date_histogram', interval: '1w' } })).rejects.toMatchObject(refused);
      await expect(aggregate(m, { h: { type: 'date_histogram', interval: '1h', timeZone: 'Mars/Olympus' } })).rejects.toMatchObject(refused);
      await expect(aggregate(m, { t: { type: 'terms', field: 'user"name' } })).rejects.toMatchObject(refused);
      await expect(aggregate(m, { p: { type: 'percentiles', field: 'x', percents: [101] } })).rejects.toMatchObject(refused);
      await expect(
        aggregate(m, { t: { type: 'terms', field: 'user.name', aggs: { inner: { type: 'terms', field: 'host.name' } as unknown as Aggregation & { type: 'stats' } } } }),
      ).rejects.toMatchObject(refused);
    });
  });
}
