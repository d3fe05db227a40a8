import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusError } from '../errors';
import { EmbeddedBusProducer } from './producer';
import { partitionForKey } from './partitioner';
import { ensureEmbeddedTopics } from './topics';
import { tempDataDir } from './testing/helpers';

describe('EmbeddedBusProducer', () => {
  let dataDir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir: dataDir, remove } = await tempDataDir()));
  afterEach(() => remove());

  it('puts a keyed record on the partition Kafka would pick and spreads unkeyed records round-robin', async () => {
    await ensureEmbeddedTopics(dataDir, [{ topic: 't', partitions: 3, replicationFactor: 1 }]);
    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    const keyed = await producer.sendWithOffsets('t', [{ key: 'host-a', value: Buffer.from('1') }, { key: 'host-a', value: Buffer.from('2') }]);
    expect(keyed).toEqual([{ partition: partitionForKey('host-a', 3), firstOffset: '0', lastOffset: '1' }]);
    const unkeyed = await producer.sendWithOffsets('t', Array.from({ length: 6 }, (_, i) => ({ value: Buffer.from(String(i)) })));
    expect(unkeyed.map((append) => append.partition)).toEqual([0, 1, 2]);
    await producer.disconnect();
  });

  it('fails a send to a topic that was never created with SIEM_BUS_UNKNOWN_TOPIC', async () => {
    const producer = new EmbeddedBusProducer({ dataDir });
    await producer.connect();
    await expect(producer.send('missing', [{ value: Buffer.from('x') }])).rejects.toMatchObject({ code: 'SIEM_BUS_UNKNOWN_TOPIC' });
    await producer.disconnect();
  });

  it('refuses to connect when the data directory lies under a regular file, naming the path and what to do', async () => {
    // chmod does not stop root, but no user can create a directory inside a file (ENOTDIR).
    const file = path.join(dataDir, 'not-a-directory');
    await writeFile(file, 'x');
    for (const unwritable of [file, path.join(file, 'data')]) {
      const error = await new EmbeddedBusProducer({ dataDir: unwritable }).connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusError);
      expect(error).toMatchObject({ code: 'SIEM_BUS_STORAGE_UNAVAILABLE' });
      expect((error as Error).message).toContain(path.join(unwritable, 'bus'));
      expect((error as Error).message).toContain('SIEM_DATA_DIR');
    }
  });

  it('refuses to send before connect', async () => {
    await expect(new EmbeddedBusProducer({ dataDir }).send('t', [{ value: Buffer.from('x') }])).rejects.toMatchObject({ code: 'SIEM_BUS_PRODUCE_FAILED', retryable: false });
  });
});
