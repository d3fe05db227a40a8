import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusError } from '../errors';
import { EmbeddedBusProducer } from './producer';
import { readPartitionCount, ensureEmbeddedTopics, readTopicIncarnation } from './topics';
import { consumeAll, recordingLogger, tempDataDir } from './testing/helpers';

describe('ensureEmbeddedTopics', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir: dataDir, remove } = await tempDataDir()));
  afterEach(() => remove());

  it('creates each topic once, with its partition count in topic.json, and returns only the names it created', async () => {
    const specs = [
      { topic: 'siem.raw', partitions: 3, replicationFactor: 1 },
      { topic: 'siem.dlq', partitions: 1, replicationFactor: 3 },
    ];
    expect(await ensureEmbeddedTopics(dataDir, specs)).toEqual(['siem.raw', 'siem.dlq']);
    expect(await ensureEmbeddedTopics(dataDir, specs)).toEqual([]);
    expect(JSON.parse(await readFile(path.join(dataDir, 'bus', 'siem.raw', 'topic.json'), 'utf8'))).toEqual({ partitions: 3 });
    expect(await readPartitionCount(dataDir, 'siem.dlq')).toBe(1);
  });

  it('keeps the partition count of an existing topic and logs the difference', async () => {
    const logger = recordingLogger();
    await ensureEmbeddedTopics(dataDir, [{ topic: 't', partitions: 2, replicationFactor: 1 }]);
    expect(await ensureEmbeddedTopics(dataDir, [{ topic: 't', partitions: 5, replicationFactor: 1 }], logger)).toEqual([]);
    expect(await readPartitionCount(dataDir, 't')).toBe(2);
    expect(logger.entries).toMatchObject([{ level: 'warn', fields: { topic: 't', partitions: 2, requestedPartitions: 5 } }]);
  });

  it('lets exactly one of several concurrent creators create a topic', async () => {
    const spec = [{ topic: 't', partitions: 4, replicationFactor: 1 }];
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureEmbeddedTopics(dataDir, spec)));
    expect(results.flat()).toEqual(['t']);
  });

  it('refuses a topic name that could leave the bus directory', async () => {
    await expect(ensureEmbeddedTopics(dataDir, [{ topic: '../escape', partitions: 1, replicationFactor: 1 }])).rejects.toMatchObject({ code: 'SIEM_BUS_TOPIC_SETUP_FAILED' });
  });

  it('names a missing topic with SIEM_BUS_UNKNOWN_TOPIC', async () => {
    const error = await readPartitionCount(dataDir, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect(error).toMatchObject({ code: 'SIEM_BUS_UNKNOWN_TOPIC', retryable: false });
    expect((error as Error).message).toContain('ensureEmbeddedTopics');
  });
});

describe('topic incarnation', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir: dataDir, remove } = await tempDataDir()));
  afterEach(() => remove());
  const spec = { topic: 'siem.raw', partitions: 1, replicationFactor: 1 };

  it('is created with the topic, kept while the topic lives, and new when the topic is created again', async () => {
    await ensureEmbeddedTopics(dataDir, [spec]);
    const first = await readTopicIncarnation(dataDir, 'siem.raw');
    expect(first).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await readFile(path.join(dataDir, 'bus', 'siem.raw', 'incarnation'), 'utf8')).trim()).toBe(first);
    await ensureEmbeddedTopics(dataDir, [spec]);
    expect(await readTopicIncarnation(dataDir, 'siem.raw')).toBe(first);
    await rm(path.join(dataDir, 'bus'), { recursive: true });
    await ensureEmbeddedTopics(dataDir, [spec]);
    expect(await readTopicIncarnation(dataDir, 'siem.raw')).not.toBe(first);
  });

  it('stamps every consumed message, also of a topic created before incarnations existed, and the same for racing readers', async () => {
    await ensureEmbeddedTopics(dataDir, [spec]);
    await unlink(path.join(dataDir, 'bus', 'siem.raw', 'incarnation'));
    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    await producer.send('siem.raw', [{ value: Buffer.from('one') }, { value: Buffer.from('two') }]);
    await producer.disconnect();
    const [racing, consumed] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => readTopicIncarnation(dataDir, 'siem.raw'))),
      consumeAll({ dataDir, groupId: 'g', memberIndex: 0, memberCount: 1 }, 'siem.raw', 2),
    ]);
    expect(new Set([...racing, ...consumed.map((message) => message.incarnation)]).size).toBe(1);
    expect(consumed.map((message) => message.value.toString())).toEqual(['one', 'two']);
  });

  it('refuses a damaged token instead of making new event ids for old records', async () => {
    await ensureEmbeddedTopics(dataDir, [spec]);
    await writeFile(path.join(dataDir, 'bus', 'siem.raw', 'incarnation'), 'not a token\n');
    await expect(readTopicIncarnation(dataDir, 'siem.raw')).rejects.toMatchObject({ code: 'SIEM_BUS_TOPIC_SETUP_FAILED' });
  });

  it('says the topic is unknown when its folder is missing', async () => {
    await expect(readTopicIncarnation(dataDir, 'siem.none')).rejects.toMatchObject({ code: 'SIEM_BUS_UNKNOWN_TOPIC' });
  });
});
