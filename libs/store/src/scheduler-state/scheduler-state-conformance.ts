import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerializedState, type SchedulerStateStore } from './types';

/** What both scheduler state stores do alike; run by the embedded unit test and the OpenSearch integration test. */
export function describeSchedulerStateConformance(name: string, makeStore: () => Promise<SchedulerStateStore>): void {
  describe(`${name} – scheduler state conformance`, () => {
    let store: SchedulerStateStore;
    let other: SchedulerStateStore;
    let run = 0;
    const fresh = (what: string) => `${what}-${Date.now()}-${++run}`;
    beforeAll(async () => {
      store = await makeStore();
      other = await makeStore();
      await store.ensureReady();
      await store.ensureReady();
      await other.ensureReady();
    });
    afterAll(async () => {
      await store?.close();
      await other?.close();
    });

    it('gives a free lease to the first holder, refuses a second while it is live, and hands it over once it expired, with a new epoch', async () => {
      const name = fresh('lease');
      const now = 1_000_000;
      expect(await store.readLease(name)).toBeUndefined();
      const first = await store.acquireLease(name, 'a', 10_000, now);
      expect(first).toEqual({ name, holder: 'a', epoch: 1, expiresAt: now + 10_000 });
      expect(await other.acquireLease(name, 'b', 10_000, now + 5_000)).toBeUndefined();
      const renewed = await store.acquireLease(name, 'a', 10_000, now + 6_000);
      expect(renewed).toEqual({ name, holder: 'a', epoch: 1, expiresAt: now + 16_000 });
      expect(await other.acquireLease(name, 'b', 10_000, now + 15_999)).toBeUndefined();
      const taken = await other.acquireLease(name, 'b', 10_000, now + 16_001);
      expect(taken).toEqual({ name, holder: 'b', epoch: 2, expiresAt: now + 26_001 });
      expect(await store.acquireLease(name, 'a', 10_000, now + 17_000)).toBeUndefined();
      expect(await store.readLease(name)).toEqual(taken);
    });

    it('lets a holder release the lease so a standby takes it at once; a non-holder cannot release it', async () => {
      const name = fresh('release');
      await store.acquireLease(name, 'a', 60_000, 1000);
      await other.releaseLease(name, 'b');
      expect(await other.acquireLease(name, 'b', 60_000, 2000)).toBeUndefined();
      await store.releaseLease(name, 'a');
      expect(await other.acquireLease(name, 'b', 60_000, 2000)).toMatchObject({ holder: 'b', epoch: 2 });
    });

    it('of many processes racing for a free lease, exactly one wins', async () => {
      const name = fresh('race');
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : other).acquireLease(name, `h${i}`, 60_000, 5000)));
      const winners = results.filter((lease) => lease !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.readLease(name)).toEqual(winners[0]);
    });

    it('writes checkpoints by compare-and-set: the stale writer gets SIEM_STORE_CONFLICT and the stored state is the winner', async () => {
      const name = fresh('checkpoint');
      expect(await store.readCheckpoint(name)).toBeUndefined();
      expect(await store.writeCheckpoint(name, { offsets: { '0': '10' }, windows: [1, 2] }, 0)).toBe(1);
      const read = await other.readCheckpoint(name);
      expect(read).toMatchObject({ name, version: 1, state: { offsets: { '0': '10' }, windows: [1, 2] } });
      expect(Date.parse(read!.savedAt)).not.toBeNaN();
      expect(await other.writeCheckpoint(name, { offsets: { '0': '20' } }, 1)).toBe(2);
      await expect(store.writeCheckpoint(name, { offsets: { '0': '15' } }, 1)).rejects.toMatchObject({ code: 'SIEM_STORE_CONFLICT', retryable: false });
      await expect(store.writeCheckpoint(name, { offsets: { '0': '15' } }, 0)).rejects.toMatchObject({ code: 'SIEM_STORE_CONFLICT' });
      expect(await store.readCheckpoint(name)).toMatchObject({ version: 2, state: { offsets: { '0': '20' } } });
    });

    it('keeps a state serialized by the caller as the value it encodes, by the same compare-and-set, and a plain string as a string', async () => {
      const name = fresh('serialized');
      const state = { engine: { groups: [['["u1","10.0.0.1"]', { lastSeen: 5, values: ['u1', '10.0.0.1'] }]] }, positions: { 'a/0': '12' } };
      expect(await store.writeCheckpoint(name, new SerializedState(JSON.stringify(state)), 0)).toBe(1);
      expect(await other.readCheckpoint(name)).toMatchObject({ version: 1, state });
      await expect(other.writeCheckpoint(name, new SerializedState('{"positions":{}}'), 0)).rejects.toMatchObject({ code: 'SIEM_STORE_CONFLICT' });
      expect(await other.writeCheckpoint(name, '{"positions":{}}', 1)).toBe(2);
      expect((await store.readCheckpoint(name))?.state).toBe('{"positions":{}}');
    });

    it('counts notifications against a throttle shared by every process: at most max per window, racing processes included, and a new window starts again', async () => {
      const key = fresh('throttle');
      const window = 1_800_000;
      const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).takeThrottle(key, window, 5)));
      expect(taken.filter(Boolean)).toHaveLength(5);
      expect(await store.takeThrottle(key, window, 5)).toBe(false);
      expect(await other.takeThrottle(key, window + 60_000, 5)).toBe(true);
      expect(await store.takeThrottle(fresh('throttle'), window, 1)).toBe(true);
    });

    it('keeps a large state with keys that look like field names', async () => {
      const name = fresh('large');
      const groups = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`user.name=u${i}`, { n: i, 'a.b': [i, 'x'] }]));
      await store.writeCheckpoint(name, { groups }, 0);
      const read = await other.readCheckpoint(name);
      expect(Object.keys((read!.state as { groups: object }).groups)).toHaveLength(5000);
      expect((read!.state as { groups: Record<string, unknown> }).groups['user.name=u4999']).toEqual({ n: 4999, 'a.b': [4999, 'x'] });
    });
  });
}
