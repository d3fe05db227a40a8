import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBusProducer } from './producer';
import { ensureEmbeddedTopics } from './topics';
import { consumeAll, startAppendLoop, tempDataDir } from './testing/helpers';

const topic = 'siem.raw';
const ROUNDS = 5;
const BATCH_SIZE = 500;
const VALUE_BYTES = 300;

/**
 * SIGKILLs a process appending to the embedded log at a random moment, several
 * times over the same log, and checks after each kill that every batch it had
 * acknowledged is there exactly once, offsets run without a gap, and nothing
 * torn is delivered, before and after the partition is recovered (by the next
 * producer, or on odd rounds first by a consumer that finds the tail stalled).
 */
describe('embedded bus – crash of an appending process', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: dataDir, remove } = await tempDataDir());
    await ensureEmbeddedTopics(dataDir, [{ topic, partitions: 1, replicationFactor: 1 }]);
  });
  afterAll(() => remove());

  it('keeps every acknowledged record exactly once, with contiguous offsets, across repeated SIGKILLs', async () => {
    /** Every value acknowledged so far, by the offset the producer reported for it. */
    const acknowledged = new Map<number, string>();

    for (let round = 0; round < ROUNDS; round++) {
      const runId = `run${round}`;
      const writer = startAppendLoop({ dataDir, topic, runId, batches: 1_000_000, batchSize: BATCH_SIZE, valueBytes: VALUE_BYTES, segmentBytes: 1024 * 1024 });
      await writer.waitForLine((line) => line.startsWith('ack '));
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      writer.child.kill('SIGKILL');
      expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' });

      const acks = writer.lines.filter((line) => line.startsWith('ack '));
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        const [, batch, , first, last] = ack.split(' ').map(Number) as [number, number, number, number, number];
        expect(last - first + 1).toBe(BATCH_SIZE);
        for (let i = 0; i < BATCH_SIZE; i++) acknowledged.set(first + i, `${runId}:${batch}:${i}:`);
      }

      // Before anyone recovers the partition, a reader delivers every acknowledged record and nothing torn.
      const beforeRecovery = await consumeAll({ dataDir, groupId: `before-${round}`, memberIndex: 0, memberCount: 1 }, topic, Infinity, { chunkSize: 5000, idleMs: 300 });
      checkLog(beforeRecovery.map((m) => [Number(m.offset), m.value.toString()]), acknowledged);

      // Recovery keeps the whole records the killed writer left past the durable end and cuts the rest;
      // a restarted producer does it on its first append, or a consumer when no writer comes back.
      let recovered: number | undefined;
      if (round % 2 === 1) {
        const viaConsumer = await consumeAll({ dataDir, groupId: `recover-${round}`, memberIndex: 0, memberCount: 1, tailRecoveryAfterMs: 50 }, topic, Infinity, { chunkSize: 5000, idleMs: 500 });
        checkLog(viaConsumer.map((m) => [Number(m.offset), m.value.toString()]), acknowledged);
        recovered = viaConsumer.length;
      }
      const producer = new EmbeddedBusProducer({ dataDir });
      await producer.connect();
      const [marker] = await producer.sendWithOffsets(topic, [{ value: Buffer.from(`marker${round}:`) }]);
      await producer.disconnect();
      const markerOffset = Number(marker!.firstOffset);
      expect(markerOffset).toBeGreaterThanOrEqual(beforeRecovery.length);
      if (recovered !== undefined) expect(markerOffset).toBe(recovered);

      // The writer continues right after the last whole record: no gap, no offset reused.
      const afterRecovery = await consumeAll({ dataDir, groupId: `after-${round}`, memberIndex: 0, memberCount: 1 }, topic, markerOffset + 1, { chunkSize: 5000 });
      checkLog(afterRecovery.map((m) => [Number(m.offset), m.value.toString()]), acknowledged);
      expect(afterRecovery).toHaveLength(markerOffset + 1);
      expect(afterRecovery.at(-1)!.value.toString()).toBe(`marker${round}:`);
    }
    expect(acknowledged.size).toBeGreaterThan(ROUNDS * BATCH_SIZE - 1);
  }, 120_000);
});

function checkLog(records: Array<[number, string]>, acknowledged: Map<number, string>): void {
  expect(records.map(([offset]) => offset)).toEqual(records.map((_, i) => i));
  const values = records.map(([, value]) => value);
  expect(values.filter((value) => !/^(run\d+:\d+:\d+:\.*|marker\d+:)$/.test(value))).toEqual([]);
  // A label appears once: an acknowledged record is never written twice, a torn one never replayed.
  const labels = values.map((value) => value.replace(/\.+$/, ''));
  expect(new Set(labels).size).toBe(labels.length);
  const missing = [...acknowledged].filter(([offset, label]) => labels[offset] !== label);
  expect(missing).toEqual([]);
}
