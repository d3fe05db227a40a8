import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BusRecord, ConsumedMessage } from '../types';
import { EmbeddedBusConsumer, ownedPartitions } from './consumer';
import { segmentPath } from './layout';
import { partitionForKey } from './partitioner';
import { EmbeddedBusProducer } from './producer';
import { encodeBatch } from './record-format';
import { ensureEmbeddedTopics } from './topics';
import { consumeAll, tempDataDir } from './testing/helpers';

const topic = 'siem.raw';

function record(i: number): BusRecord {
  // Binary values, some of them invalid UTF-8, must come back byte for byte.
  return { key: `host-${i % 7}`, value: Buffer.from([0xff, 0xc3, 0x28, i & 0xff, (i >> 8) & 0xff]), headers: { seq: String(i), 'siem.input': 'syslog_udp' } };
}

describe('EmbeddedBusConsumer', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  let producer: EmbeddedBusProducer;
  beforeEach(async () => {
    ({ dir: dataDir, remove } = await tempDataDir());
    await ensureEmbeddedTopics(dataDir, [{ topic, partitions: 3, replicationFactor: 1 }]);
    producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
  });
  afterEach(async () => {
    await producer.disconnect();
    await remove();
  });

  it('assigns partitions statically: member i of n owns the partitions p with p % n === i', () => {
    expect(ownedPartitions(5, 0, 2)).toEqual([0, 2, 4]);
    expect(ownedPartitions(5, 1, 2)).toEqual([1, 3]);
    expect(ownedPartitions(1, 1, 2)).toEqual([]);
    expect(() => new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 2, memberCount: 2 })).toThrow(RangeError);
  });

  it('delivers every record exactly once to the member owning its partition, in order, with key, headers and value intact', async () => {
    const sent = Array.from({ length: 500 }, (_, i) => record(i));
    for (let i = 0; i < sent.length; i += 50) await producer.send(topic, sent.slice(i, i + 50));

    const [first, second] = await Promise.all([
      consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 2 }, topic, Infinity, { chunkSize: 64, idleMs: 500 }),
      consumeAll({ dataDir, groupId: 'g', memberIndex: 1, memberCount: 2 }, topic, Infinity, { chunkSize: 64, idleMs: 500 }),
    ]);
    expect(new Set(first.map((m) => m.partition))).toEqual(new Set([0, 2]));
    expect(new Set(second.map((m) => m.partition))).toEqual(new Set([1]));
    const received = [...first, ...second];
    expect(received).toHaveLength(sent.length);

    for (let partition = 0; partition < 3; partition++) {
      const expected = sent.filter((r) => partitionForKey(r.key!, 3) === partition);
      const got = received.filter((m) => m.partition === partition);
      expect(got.map((m) => m.offset)).toEqual(expected.map((_, offset) => String(offset)));
      expect(got.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual(expected);
    }
  });

  it('resumes after the last committed chunk when restarted, while a new group starts from offset 0', async () => {
    await producer.send(topic, Array.from({ length: 30 }, (_, i) => ({ value: Buffer.from(String(i)), key: 'one-partition' })));
    const partition = partitionForKey('one-partition', 3);
    const member = { groupId: 'g', memberIndex: 0, memberCount: 1 };

    const before = await consumeAll({ dataDir, ...member }, topic, 10, { chunkSize: 10 });
    expect(before.map((m) => m.offset)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    const committed = JSON.parse(await readFile(path.join(dataDir, 'bus', topic, String(partition), 'offsets', 'g.json'), 'utf8'));
    expect(committed).toMatchObject({ offset: '10', segmentBase: '0' });
    expect(committed.bytePosition).toBeGreaterThan(0);

    await producer.send(topic, Array.from({ length: 5 }, (_, i) => ({ value: Buffer.from(String(30 + i)), key: 'one-partition' })));
    const after = await consumeAll({ dataDir, ...member }, topic, 25, { chunkSize: 7 });
    expect(after.map((m) => m.offset)).toEqual(Array.from({ length: 25 }, (_, i) => String(10 + i)));
    expect(after.at(-1)!.value.toString()).toBe('34');

    const fresh = await consumeAll({ dataDir, groupId: 'other', memberIndex: 0, memberCount: 1 }, topic, 35, { chunkSize: 100 });
    expect(fresh.map((m) => m.offset)).toEqual(Array.from({ length: 35 }, (_, i) => String(i)));
  });

  it('does not commit a rejected chunk and delivers the same chunk again', async () => {
    await producer.send(topic, Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from(String(i)), key: 'k' })));
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 10, retryBackoffMs: 10 });
    await consumer.connect();
    const deliveries: string[][] = [];
    let failures = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      topic,
      chunkSize: 3,
      handleChunk: async (messages) => {
        deliveries.push(messages.map((m) => m.offset));
        if (messages[0]!.offset === '3' && failures < 2) {
          failures++;
          throw new Error('the store is down');
        }
        if (messages.at(-1)!.offset === '5') done();
      },
    });
    await finished;
    await consumer.disconnect();
    expect(deliveries).toEqual([
      ['0', '1', '2'],
      ['3', '4', '5'],
      ['3', '4', '5'],
      ['3', '4', '5'],
    ]);
  });

  it('leaves a rejected chunk uncommitted when stopped, so the next consumer gets it again', async () => {
    await producer.send(topic, Array.from({ length: 4 }, (_, i) => ({ value: Buffer.from(String(i)), key: 'k' })));
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 10, retryBackoffMs: 60_000 });
    await consumer.connect();
    let attempted!: () => void;
    const wasAttempted = new Promise<void>((resolve) => (attempted = resolve));
    await consumer.run({
      topic,
      chunkSize: 10,
      handleChunk: async () => {
        attempted();
        throw new Error('always failing');
      },
    });
    await wasAttempted;
    await consumer.disconnect();
    const again = await consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 }, topic, 4);
    expect(again.map((m) => m.offset)).toEqual(['0', '1', '2', '3']);
  });

  it('on disconnect lets the chunk in progress finish and commits it', async () => {
    await producer.send(topic, Array.from({ length: 20 }, (_, i) => ({ value: Buffer.from(String(i)), key: 'k' })));
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 10 });
    await consumer.connect();
    const handled: ConsumedMessage[] = [];
    let inProgress!: () => void;
    const started = new Promise<void>((resolve) => (inProgress = resolve));
    await consumer.run({
      topic,
      chunkSize: 5,
      handleChunk: async (messages) => {
        inProgress();
        await new Promise((resolve) => setTimeout(resolve, 100));
        handled.push(...messages);
      },
    });
    await started;
    await consumer.disconnect();
    expect(handled.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4']);
    const rest = await consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 }, topic, 15);
    expect(rest[0]!.offset).toBe('5');
  });

  it('reports a backlog while durable records wait unhandled in its partitions, and none once they are handled', async () => {
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 5 });
    await consumer.connect();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handling!: () => void;
    const handlingStarted = new Promise<void>((resolve) => (handling = resolve));
    let handled = 0;
    await consumer.run({
      topic,
      chunkSize: 100,
      handleChunk: async (messages) => {
        handling();
        await held;
        handled += messages.length;
      },
    });
    expect(await consumer.hasBacklog()).toBe(false);
    await producer.send(topic, [{ key: 'k', value: Buffer.from('one') }]);
    expect(await consumer.hasBacklog()).toBe(true);
    await handlingStarted;
    expect(await consumer.hasBacklog()).toBe(true);
    release();
    while (handled < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await consumer.hasBacklog()).toBe(false);
    await consumer.disconnect();
  });

  it('reports a backlog in partitions another member owns until that member commits past it', async () => {
    const first = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 3, pollIntervalMs: 5 });
    await first.connect();
    await first.run({ topic, chunkSize: 100, handleChunk: async () => undefined });
    // A key that lands on partition 1, owned by member 1, which is not running yet.
    const key = Array.from({ length: 50 }, (_, i) => `k${i}`).find((candidate) => partitionForKey(candidate, 3) === 1)!;
    await producer.send(topic, [{ key, value: Buffer.from('elsewhere') }]);
    expect(await first.hasBacklog()).toBe(true);
    await consumeAll({ dataDir, groupId: 'g', memberIndex: 1, memberCount: 3 }, topic, 1);
    expect(await first.hasBacklog()).toBe(false);
    await first.disconnect();
  });

  async function singlePartitionSegment(): Promise<string> {
    await ensureEmbeddedTopics(dataDir, [{ topic: 'single', partitions: 1, replicationFactor: 1 }]);
    await producer.send('single', [{ value: Buffer.from('whole') }]);
    return segmentPath(path.join(dataDir, 'bus', 'single', '0'), 0);
  }

  async function consumeValuesFor(ms: number, options: { tailRecoveryAfterMs: number }): Promise<string[]> {
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 5, ...options });
    const received: string[] = [];
    await consumer.connect();
    await consumer.run({ topic: 'single', chunkSize: 10, handleChunk: async (messages) => void received.push(...messages.map((m) => m.value.toString())) });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await consumer.disconnect();
    return received;
  }

  it('ends a chunk once it holds 8 MiB of values, whatever the chunk size, so large batch envelopes do not pile up in memory', async () => {
    await ensureEmbeddedTopics(dataDir, [{ topic: 'single', partitions: 1, replicationFactor: 1 }]);
    await producer.send('single', Array.from({ length: 40 }, (_, i) => ({ value: Buffer.alloc(256 * 1024, i) })));
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1, pollIntervalMs: 5 });
    const chunks: number[][] = [];
    await consumer.connect();
    await consumer.run({ topic: 'single', chunkSize: 2000, handleChunk: async (messages) => void chunks.push(messages.map((m) => m.value[0]!)) });
    await vi.waitFor(() => expect(chunks.flat()).toHaveLength(40), { timeout: 10_000 });
    await consumer.disconnect();
    expect(chunks.map((chunk) => chunk.length)).toEqual([32, 8]);
    expect(chunks.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('delivers nothing past the durable end, so an append not yet fsynced and published stays invisible', async () => {
    const segment = await singlePartitionSegment();
    await appendFile(segment, encodeBatch([{ value: Buffer.from('written, not yet durable') }], 1, Date.now()));
    expect(await consumeValuesFor(100, { tailRecoveryAfterMs: 60_000 })).toEqual(['whole']);
  });

  it('recovers what a writer that died mid-append left past the durable end: whole records are delivered, the torn rest is cut', async () => {
    const segment = await singlePartitionSegment();
    const sizeBefore = (await stat(segment)).size;
    const next = encodeBatch([{ value: Buffer.from('fsynced, never published') }, { value: Buffer.from('torn') }], 1, Date.now());
    const torn = next.length - 10;
    await appendFile(segment, next.subarray(0, torn));

    expect(await consumeValuesFor(150, { tailRecoveryAfterMs: 50 })).toEqual(['whole', 'fsynced, never published']);
    expect((await stat(segment)).size).toBe(sizeBefore + encodeBatch([{ value: Buffer.from('fsynced, never published') }], 1, 0).length);
    expect(await producer.sendWithOffsets('single', [{ value: Buffer.from('next') }])).toEqual([{ partition: 0, firstOffset: '2', lastOffset: '2' }]);
  });

  it('fails run() with SIEM_BUS_UNKNOWN_TOPIC for a topic that does not exist', async () => {
    const consumer = new EmbeddedBusConsumer({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 });
    await consumer.connect();
    await expect(consumer.run({ topic: 'missing', chunkSize: 1, handleChunk: async () => undefined })).rejects.toMatchObject({ code: 'SIEM_BUS_UNKNOWN_TOPIC' });
    await consumer.disconnect();
  });
});
