import { appendFile, readdir, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { segmentPath } from './layout';
import { EmbeddedBusProducer } from './producer';
import { encodeBatch } from './record-format';
import { ensureEmbeddedTopics } from './topics';
import { consumeAll, loopValue, recordingLogger, startAppendLoop, tempDataDir } from './testing/helpers';

const topic = 'log';
const member = { groupId: 'check', memberIndex: 0, memberCount: 1 };

describe('PartitionWriter', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  let segment: string;
  beforeEach(async () => {
    ({ dir: dataDir, remove } = await tempDataDir());
    await ensureEmbeddedTopics(dataDir, [{ topic, partitions: 1, replicationFactor: 1 }]);
    segment = segmentPath(path.join(dataDir, 'bus', topic, '0'), 0);
  });
  afterEach(() => remove());

  async function appendValues(producer: EmbeddedBusProducer, values: string[]) {
    return producer.sendWithOffsets(topic, values.map((value) => ({ value: Buffer.from(value) })));
  }

  it.each([
    ['garbage bytes', () => Buffer.from('\x00\x01garbage that is not a record at all'.repeat(3))],
    ['half a record', () => encodeBatch([{ key: 'k', value: Buffer.alloc(300, 1) }], 3, Date.now()).subarray(0, 150)],
    ['a whole record with a flipped bit', () => {
      const bytes = encodeBatch([{ value: Buffer.from('tampered') }], 3, Date.now());
      bytes[bytes.length - 2]! ^= 1;
      return bytes;
    }],
  ])('cuts a torn tail of %s when a writer reopens the partition, delivers only whole records, and continues at the next offset', async (_, tail) => {
    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    await appendValues(producer, ['a', 'b', 'c']);
    await producer.disconnect();
    const goodSize = (await stat(segment)).size;
    await appendFile(segment, tail());

    // A reader before recovery skips nothing good and delivers nothing torn.
    expect((await consumeAll({ dataDir, ...member, groupId: 'early' }, topic, Infinity, { idleMs: 200 })).map((m) => m.value.toString())).toEqual(['a', 'b', 'c']);

    const logger = recordingLogger();
    const reopened = new EmbeddedBusProducer({ dataDir, logger });
    await reopened.connect();
    const [append] = await appendValues(reopened, ['d', 'e']);
    await reopened.disconnect();
    expect(append).toEqual({ partition: 0, firstOffset: '3', lastOffset: '4' });
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toMatchObject([{ fields: { truncatedBytes: tail().length, nextOffset: 3 } }]);
    expect((await stat(segment)).size).toBe(goodSize + encodeBatch([{ value: Buffer.from('d') }, { value: Buffer.from('e') }], 3, 0).length);

    const all = await consumeAll({ dataDir, ...member }, topic, 5);
    expect(all.map((m) => [m.offset, m.value.toString()])).toEqual([['0', 'a'], ['1', 'b'], ['2', 'c'], ['3', 'd'], ['4', 'e']]);
    // The reader that stopped at the torn bytes picks up the records written over them.
    expect((await consumeAll({ dataDir, ...member, groupId: 'early' }, topic, 2)).map((m) => m.offset)).toEqual(['3', '4']);
  });

  it('rolls to a new segment named by its first offset once a segment would grow past segmentBytes', async () => {
    const producer = new EmbeddedBusProducer({ dataDir, segmentBytes: 4096 });
    await producer.connect();
    for (let batch = 0; batch < 10; batch++) await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ value: Buffer.alloc(100, batch * 10 + i) })));
    await producer.disconnect();
    const segments = (await readdir(path.dirname(segment))).filter((name) => name.endsWith('.log')).sort();
    expect(segments.length).toBeGreaterThan(3);
    expect(segments[1]).toMatch(/^0{18}\d0\.log$/);
    const all = await consumeAll({ dataDir, ...member }, topic, 100);
    expect(all.map((m) => m.offset)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    expect(all.map((m) => m.value[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps the records of two processes appending to one partition at once whole and unmixed', async () => {
    const options = { dataDir, topic, batches: 15, batchSize: 400, valueBytes: 120 };
    const writers = [startAppendLoop({ ...options, runId: 'A' }), startAppendLoop({ ...options, runId: 'B' })];
    const results = await Promise.all(writers.map((writer) => writer.exited));
    expect(results).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);

    const all = await consumeAll({ dataDir, ...member }, topic, 2 * 15 * 400, { chunkSize: 1000 });
    expect(all).toHaveLength(2 * 15 * 400);
    expect(all.map((m) => Number(m.offset))).toEqual(all.map((_, i) => i));
    const byOffset = new Map(all.map((m) => [m.offset, m.value.toString()]));
    for (const [writer, runId] of [[writers[0]!, 'A'], [writers[1]!, 'B']] as const) {
      const acks = writer.lines.filter((line) => line.startsWith('ack '));
      expect(acks).toHaveLength(15);
      for (const ack of acks) {
        const [, batch, , first, last] = ack.split(' ').map(Number) as [number, number, number, number, number];
        expect(last - first + 1).toBe(400);
        for (let i = 0; i < 400; i++) expect(byOffset.get(String(first + i))).toBe(loopValue(runId, batch, i, 120).toString());
      }
    }
  }, 60_000);

  it('rejects an append the disk refuses with a retryable SIEM_BUS_STORAGE_UNAVAILABLE and cuts the partial write back', async () => {
    // Under `ulimit -f` a write that crosses the limit is cut short and the next one fails with EFBIG, as on a full disk.
    const writer = startAppendLoop({ dataDir, topic, runId: 'R', batches: 100, batchSize: 100, valueBytes: 200 }, 128);
    await writer.exited;
    const acks = writer.lines.filter((line) => line.startsWith('ack '));
    expect(acks.length).toBeGreaterThan(0);
    expect(writer.lines.find((line) => line.startsWith('error '))).toMatch(/^error SIEM_BUS_STORAGE_UNAVAILABLE true The embedded bus cannot write to .*EFBIG/);
    const lastAcked = Number(acks.at(-1)!.split(' ')[4]);

    const size = (await stat(segment)).size;
    expect(size).toBeLessThanOrEqual(128 * 1024);
    const all = await consumeAll({ dataDir, ...member }, topic, Infinity, { idleMs: 300 });
    expect(all).toHaveLength(lastAcked + 1);
    // Nothing but whole records is left: a writer reopening the partition finds nothing to cut.
    const logger = recordingLogger();
    const producer = new EmbeddedBusProducer({ dataDir, logger });
    await producer.connect();
    await producer.send(topic, [{ value: Buffer.from('after') }]);
    await producer.disconnect();
    expect(logger.entries).toEqual([]);
    expect((await stat(segment)).size).toBeGreaterThan(size);
  }, 30_000);

  it('recovers a segment cut inside a record header, as after a crash during the write', async () => {
    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    await appendValues(producer, ['one']);
    const firstRecordEnd = (await stat(segment)).size;
    await appendValues(producer, ['two']);
    await producer.disconnect();
    await truncate(segment, firstRecordEnd + 10);
    const reopened = new EmbeddedBusProducer({ dataDir });
    await reopened.connect();
    expect(await appendValues(reopened, ['three'])).toEqual([{ partition: 0, firstOffset: '1', lastOffset: '1' }]);
    await reopened.disconnect();
    expect((await consumeAll({ dataDir, ...member }, topic, 2)).map((m) => m.value.toString())).toEqual(['one', 'three']);
  });
});
