import { open, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RangeMessage } from '../offset-range';
import { partitionDir, segmentPath } from './layout';
import { embeddedPositions, readEmbeddedRange } from './offset-range';
import { EmbeddedBusProducer } from './producer';
import { ensureEmbeddedTopics } from './topics';

const TOPIC = 'siem.dlq';
let dataDir: string;
let producer: EmbeddedBusProducer;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'siem-range-'));
  await ensureEmbeddedTopics(dataDir, [{ topic: TOPIC, partitions: 1, replicationFactor: 1 }]);
  producer = new EmbeddedBusProducer({ dataDir });
  await producer.connect();
  await producer.send(TOPIC, Array.from({ length: 10 }, (_, i) => ({ value: Buffer.from(`record ${i}`) })));
});

afterEach(async () => {
  await producer.disconnect();
  await rm(dataDir, { recursive: true, force: true });
});

async function read(from: string, until: string, commitGroup?: string): Promise<string[]> {
  const values: string[] = [];
  const handleChunk = async (messages: readonly RangeMessage[]) => void values.push(...messages.map((m) => `${m.offset}:${m.value}`));
  await readEmbeddedRange(dataDir, TOPIC, [{ partition: 0, from, until }], { chunkSize: 3, handleChunk, commitGroup });
  return values;
}

describe('embedded bounded reads', () => {
  it('reads exactly the records of a range, in chunks, and leaves later records alone', async () => {
    expect(await read('2', '7')).toEqual(['2:record 2', '3:record 3', '4:record 4', '5:record 5', '6:record 6']);
    expect(await read('5', '5')).toEqual([]);
  });

  it('reports a group as at the oldest record until it commits, then where its commits stand', async () => {
    expect(await embeddedPositions(dataDir, TOPIC, 'replay')).toEqual([{ partition: 0, oldest: '0', next: '0', end: '10' }]);
    await read('0', '4', 'replay');
    expect(await embeddedPositions(dataDir, TOPIC, 'replay')).toEqual([{ partition: 0, oldest: '0', next: '4', end: '10' }]);
    await producer.send(TOPIC, [{ value: Buffer.from('record 10') }]);
    expect(await embeddedPositions(dataDir, TOPIC, 'replay')).toEqual([{ partition: 0, oldest: '0', next: '4', end: '11' }]);
  });

  it('fails with SIEM_BUS_RANGE_UNREADABLE when records before the durable end are corrupted', async () => {
    const segment = segmentPath(partitionDir(dataDir, TOPIC, 0), 0);
    const handle = await open(segment, 'r+');
    // A byte inside the last record's value: its checksum no longer matches.
    await handle.write(Buffer.from('X'), 0, 1, (await stat(segment)).size - 2);
    await handle.close();
    const handled: string[] = [];
    const handleChunk = async (messages: readonly RangeMessage[]) => void handled.push(...messages.map((m) => m.offset));
    await expect(readEmbeddedRange(dataDir, TOPIC, [{ partition: 0, from: '0', until: '10' }], { chunkSize: 100, handleChunk }, undefined, 200)).rejects.toMatchObject({
      code: 'SIEM_BUS_RANGE_UNREADABLE',
    });
    expect(handled).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
  });
});
