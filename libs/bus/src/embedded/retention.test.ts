import { readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBusConsumer } from './consumer';
import { EmbeddedBusProducer } from './producer';
import { applyRetention } from './retention';
import { ensureEmbeddedTopics } from './topics';
import { consumeAll, recordingLogger, tempDataDir } from './testing/helpers';

const HOUR = 3_600_000;

describe('applyRetention', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  let dir: string;
  beforeEach(async () => {
    ({ dir: dataDir, remove } = await tempDataDir());
    await ensureEmbeddedTopics(dataDir, [{ topic: 't', partitions: 1, replicationFactor: 1 }]);
    dir = path.join(dataDir, 'bus', 't', '0');
    // 10 batches of 10 records of ~136 bytes with 2 KiB segments: several closed segments, one active.
    const producer = new EmbeddedBusProducer({ dataDir, segmentBytes: 2048 });
    await producer.connect();
    for (let batch = 0; batch < 10; batch++) await producer.send('t', Array.from({ length: 10 }, (_, i) => ({ value: Buffer.alloc(100, batch * 10 + i) })));
    await producer.disconnect();
  });
  afterEach(() => remove());

  async function segments(): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  }

  async function age(names: string[], ms: number): Promise<void> {
    const when = new Date(Date.now() - ms);
    for (const name of names) await utimes(path.join(dir, name), when, when);
  }

  it('deletes closed segments older than maxAgeMs, oldest first, but never the active one', async () => {
    const before = await segments();
    expect(before.length).toBeGreaterThanOrEqual(4);
    // Everything is old, the active segment included; the third is recent.
    await age(before, 48 * HOUR);
    await age([before[2]!], 0);
    expect(await applyRetention(dataDir, { maxAgeMs: 24 * HOUR })).toMatchObject({ deletedSegments: 2 });
    expect(await segments()).toEqual(before.slice(2));

    await age([before[2]!], 48 * HOUR);
    await applyRetention(dataDir, { maxAgeMs: 24 * HOUR });
    expect(await segments()).toEqual(before.slice(-1));
  });

  it('deletes the oldest closed segments until the partition fits maxBytesPerPartition', async () => {
    const before = await segments();
    const result = await applyRetention(dataDir, { maxBytesPerPartition: 4096 });
    const after = await segments();
    expect(result.deletedSegments).toBe(before.length - after.length);
    expect(after).toEqual(before.slice(before.length - after.length));
    expect(after.length).toBeLessThanOrEqual(3);
    expect(await applyRetention(dataDir, { maxBytesPerPartition: 0 })).toMatchObject({ deletedSegments: after.length - 1 });
    expect(await segments()).toEqual(before.slice(-1));
  });

  it('keeps offsets growing after deletion, and moves a consumer whose committed offset was deleted to the oldest record left', async () => {
    await consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 }, 't', 5, { chunkSize: 5 });
    await applyRetention(dataDir, { maxBytesPerPartition: 0 });
    const oldest = Number((await segments())[0]!.slice(0, 20));
    expect(oldest).toBeGreaterThan(5);

    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    expect(await producer.sendWithOffsets('t', [{ value: Buffer.from('new') }])).toEqual([{ partition: 0, firstOffset: '100', lastOffset: '100' }]);
    await producer.disconnect();

    const logger = recordingLogger();
    const resumed = await consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, logger }, 't', 101 - oldest);
    expect(resumed.map((m) => Number(m.offset))).toEqual(Array.from({ length: 101 - oldest }, (_, i) => oldest + i));
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ committedOffset: 5, oldestOffset: oldest }) }));
  });

  it('lets a consumer reading a segment that retention deletes finish it and move on', async () => {
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 5 });
    await consumer.connect();
    const offsets: number[] = [];
    let gate!: () => void;
    const opened = new Promise<void>((resolve) => (gate = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await consumer.run({
      topic: 't',
      chunkSize: 3,
      handleChunk: async (messages) => {
        offsets.push(...messages.map((m) => Number(m.offset)));
        gate();
        await released;
      },
    });
    await opened;
    await applyRetention(dataDir, { maxBytesPerPartition: 0 });
    release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await consumer.disconnect();
    // The open first segment is read to its end; deleted segments after it are skipped to the oldest left.
    expect(offsets.slice(0, 3)).toEqual([0, 1, 2]);
    expect(offsets.at(-1)).toBe(99);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });
});
