/**
 * `siem replay`: re-reads raw records of a time range from the raw topic and
 * its high priority companion (`<raw>.high`) and sends them through the
 * pipeline again, each carrying the id its event got the first time (derived
 * from incarnation, topic, partition and offset of the topic it was read
 * from), so the processor's current parsers and rules rewrite the stored
 * events in place: same ids, same count. Records a replay sent keep that id,
 * so a later replay of the same range replaces the same documents once more.
 */
import { encodeRawRecord, envelopeRecordId, eventId, isEnvelope, packRawRecords, priorityTopic, unpackRawRecords, type Bus, type OffsetRange, type RangeMessage } from '@siem/bus';
import type { RawRecord } from '@siem/schema';

export interface RawReplayOptions {
  readonly bus: Pick<Bus, 'ensureTopics' | 'positions' | 'readRange' | 'incarnation' | 'offsetsForTime' | 'producer'>;
  /** SIEM_TOPIC_RAW; `<raw>.high` is read too. */
  readonly rawTopic: string;
  /** Receive times (ms), both included. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Only records it accepts are replayed (`--query`). */
  readonly filter?: (record: RawRecord) => boolean;
  /** Send replayed records in batch envelopes (SIEM_BATCH_ENVELOPE), as the collector does. */
  readonly envelope: boolean;
  readonly onProgress?: (progress: RawReplayProgress) => void;
}

export interface RawReplayProgress {
  /** Records read from the raw topics (all of the scanned offsets). */
  readonly read: number;
  readonly replayed: number;
  /** Records in the offsets read but received outside the range, or refused by the filter. */
  readonly skipped: number;
  /** Messages that are neither a record nor a readable envelope (the processor made dead letters of them). */
  readonly unreadable: number;
  /** Offsets still to read when the replay started, of all partitions of both topics. */
  readonly total: number;
  readonly scanned: number;
  readonly seconds: number;
}

const CHUNK = 1000;

/** What one topic holds of the range: the offsets to read per partition, and the incarnation its event ids carry. */
interface TopicPlan {
  readonly topic: string;
  readonly ranges: OffsetRange[];
  readonly incarnation: string;
}

async function planTopic(bus: RawReplayOptions['bus'], topic: string, fromMs: number): Promise<TopicPlan> {
  const [positions, starts, incarnation] = await Promise.all([bus.positions(topic, 'siem-replay-positions'), bus.offsetsForTime(topic, fromMs), bus.incarnation(topic)]);
  const startOf = new Map(starts.map((start) => [start.partition, BigInt(start.offset)]));
  // Up to the end when the replay starts: what it sends itself is not read again.
  const ranges = positions.map((position) => {
    const from = [BigInt(position.oldest), startOf.get(position.partition) ?? 0n].reduce((a, b) => (a > b ? a : b));
    return { partition: position.partition, from: String(from < BigInt(position.end) ? from : BigInt(position.end)), until: position.end };
  });
  return { topic, ranges, incarnation };
}

export async function replayRaw(options: RawReplayOptions): Promise<RawReplayProgress> {
  const started = Date.now();
  const { bus, rawTopic } = options;
  // A deployment from before priority classes has no high topic yet; every app creates both at start.
  await bus.ensureTopics();
  const plans = await Promise.all([rawTopic, priorityTopic(rawTopic, 'high')].map((topic) => planTopic(bus, topic, options.fromMs)));
  const total = plans.flatMap((plan) => plan.ranges).reduce((sum, range) => sum + Number(BigInt(range.until) - BigInt(range.from)), 0);
  let read = 0;
  let replayed = 0;
  let skipped = 0;
  let unreadable = 0;
  let scanned = 0;
  const progress = (): RawReplayProgress => ({ read, replayed, skipped, unreadable, total, scanned, seconds: (Date.now() - started) / 1000 });
  const producer = bus.producer();
  await producer.connect();
  const fallbackReceivedAt = new Date(0).toISOString();
  try {
    for (const { topic, ranges, incarnation } of plans) {
      await bus.readRange(topic, ranges, {
        chunkSize: CHUNK,
        handleChunk: async (messages: readonly RangeMessage[]) => {
          const out: RawRecord[] = [];
          for (const message of messages) {
            scanned++;
            let records: RawRecord[];
            try {
              records = unpackRawRecords(message, fallbackReceivedAt);
            } catch {
              unreadable++;
              continue;
            }
            const messageId = eventId({ incarnation, topic: message.topic, partition: message.partition, offset: message.offset });
            const enveloped = isEnvelope(message);
            records.forEach((record, index) => {
              read++;
              const receivedMs = Date.parse(record.receivedAt);
              if (!(receivedMs >= options.fromMs && receivedMs <= options.toMs) || (options.filter && !options.filter(record))) {
                skipped++;
                return;
              }
              out.push({ ...record, eventId: record.eventId ?? (enveloped ? envelopeRecordId(messageId, index) : messageId) });
            });
          }
          // Everything goes back on the raw topic, high records too: a replay is bulk work and must not queue ahead of
          // live high records; the id a record carries, not its topic, names the document it replaces.
          if (out.length > 0) await producer.send(rawTopic, options.envelope ? packRawRecords(out) : out.map(encodeRawRecord));
          replayed += out.length;
          options.onProgress?.(progress());
        },
      });
    }
  } finally {
    await producer.disconnect();
  }
  return progress();
}

/** The progress line: a bar over the offsets scanned, counts and rate. */
export function replayProgressLine(p: RawReplayProgress): string {
  const share = p.total === 0 ? 1 : p.scanned / p.total;
  const bar = '#'.repeat(Math.round(share * 20)).padEnd(20, '.');
  const rate = Math.round(p.replayed / Math.max(p.seconds, 0.001));
  return `[${bar}] ${(share * 100).toFixed(0)}% scanned ${p.scanned.toLocaleString('en')}/${p.total.toLocaleString('en')} messages, replayed ${p.replayed.toLocaleString('en')} records (${rate.toLocaleString('en')}/s), skipped ${p.skipped.toLocaleString('en')}`;
}
