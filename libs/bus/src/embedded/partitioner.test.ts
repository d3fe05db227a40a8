import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './partitioner';

describe('partitioner', () => {
  it('hashes like the Kafka Java client, so keys land on the same partitions as with Kafka', () => {
    // Vectors from Kafka's UtilsTest.testMurmur2.
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('maps a key to a partition within range, the same one every time', () => {
    for (const key of ['10.0.0.1', 'host-a', '', 'ключ']) {
      const partition = partitionForKey(key, 7);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(7);
      expect(partitionForKey(key, 7)).toBe(partition);
    }
  });
});
