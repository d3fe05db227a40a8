import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusError } from '../errors';
import { readPartitionCount, ensureEmbeddedTopics } from './topics';
import { recordingLogger, tempDataDir } from './testing/helpers';

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
