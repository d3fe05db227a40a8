/**
 * Bounded reads of a Kafka topic, outside any running consumer group: a
 * group's positions against the partition ends, and the records between two
 * offsets. `siem dlq replay` uses them to replay exactly the dead letters that
 * existed when it started, never the ones its own replay produces.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { OffsetRange, PartitionPosition, RangeMessage, ReadRangeOptions } from '../offset-range';

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export async function kafkaPositions(kafka: Kafka, topic: string, groupId: string): Promise<PartitionPosition[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedOf = new Map(committed?.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    return ends
      .map(({ partition, low, high }) => {
        const [oldest, end] = [BigInt(low), BigInt(high)];
        // kafkajs answers -1 for a partition the group never committed.
        const group = committedOf.get(partition) ?? -1n;
        const next = group < 0n ? oldest : min(max(group, oldest), end);
        return { partition, oldest: String(oldest), next: String(next), end: String(end) };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

function toRangeMessage(topic: string, partition: number, message: KafkaMessage): RangeMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return { topic, partition, offset: message.offset, key: message.key?.toString('utf8'), value: message.value ?? Buffer.alloc(0), headers };
}

/**
 * kafkajs reads only as a group member, so the range is read by a throwaway
 * group whose offsets are set to the ranges' starts before it joins; it
 * commits nothing itself and is deleted at the end.
 */
export async function readKafkaRange(kafka: Kafka, topic: string, ranges: readonly OffsetRange[], options: ReadRangeOptions): Promise<void> {
  const remaining = new Map(ranges.filter((r) => BigInt(r.from) < BigInt(r.until)).map((r) => [r.partition, { from: BigInt(r.from), until: BigInt(r.until) }]));
  if (remaining.size === 0) return;
  const groupId = `${options.commitGroup ?? 'siem-read'}-range-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  try {
    await admin.setOffsets({ groupId, topic, partitions: ranges.map((r) => ({ partition: r.partition, offset: r.from })) });
    let settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => undefined, reject: () => undefined };
    const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Awaited below, once the consumer runs; a chunk may fail before that.
    finished.catch(() => undefined);
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, pause }) => {
        const range = remaining.get(batch.partition);
        if (range === undefined) {
          pause();
          return;
        }
        const inRange = batch.messages.filter((m) => BigInt(m.offset) >= range.from && BigInt(m.offset) < range.until);
        try {
          for (let start = 0; start < inRange.length; start += options.chunkSize) {
            const chunk = inRange.slice(start, start + options.chunkSize);
            await options.handleChunk(chunk.map((m) => toRangeMessage(batch.topic, batch.partition, m)));
            const next = String(BigInt(chunk.at(-1)!.offset) + 1n);
            if (options.commitGroup !== undefined) await admin.setOffsets({ groupId: options.commitGroup, topic, partitions: [{ partition: batch.partition, offset: next }] });
            range.from = BigInt(next);
            await heartbeat();
          }
        } catch (error) {
          pause();
          settle.reject(error);
          return;
        }
        // A batch that reaches past the range, or a range read to its last offset, ends the partition.
        const lastOffset = batch.messages.at(-1) === undefined ? -1n : BigInt(batch.messages.at(-1)!.offset);
        if (range.from >= range.until || lastOffset >= range.until - 1n) {
          remaining.delete(batch.partition);
          pause();
          if (remaining.size === 0) settle.resolve();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
