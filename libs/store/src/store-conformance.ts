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
