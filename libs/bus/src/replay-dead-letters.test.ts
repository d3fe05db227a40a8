import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDeadLetter, decodeDeadLetter, encodeDeadLetter } from './dead-letter';
import { EmbeddedBusConsumer, EmbeddedBusProducer, ensureEmbeddedTopics } from './embedded';
import { embeddedPositions, readEmbeddedRange } from './embedded/offset-range';
import type { RangeMessage } from './offset-range';
import { decodeRawRecord, encodeRawRecord } from './raw-record-codec';
import { replayDeadLetters, type ReplayBus, type ReplayOptions } from './replay-dead-letters';

const RAW = 'siem.raw';
const DLQ = 'siem.dlq';
const PROCESSOR_GROUP = 'siem-processor';
const reason = { code: 'SIEM_PARSE_BAD_PRIORITY', message: 'no priority', stage: 'syslog_rfc3164' };

let dataDir: string;
let bus: ReplayBus;
let producer: EmbeddedBusProducer;
let processor: EmbeddedBusConsumer | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'siem-replay-'));
  await ensureEmbeddedTopics(dataDir, [RAW, DLQ].map((topic) => ({ topic, partitions: 2, replicationFactor: 1 })));
  bus = {
    producer: () => new EmbeddedBusProducer({ dataDir }),
    positions: (topic, groupId) => embeddedPositions(dataDir, topic, groupId),
    readRange: (topic, ranges, options) => readEmbeddedRange(dataDir, topic, ranges, options),
  };
  producer = new EmbeddedBusProducer({ dataDir });
  await producer.connect();
});

afterEach(async () => {
  await processor?.disconnect();
  processor = undefined;
  await producer.disconnect();
  await rm(dataDir, { recursive: true, force: true });
});

/** Dead letters as the processor writes them, for raw records that were never on the raw topic. */
async function writeDeadLetters(count: number, prefix: string): Promise<void> {
  const letters = Array.from({ length: count }, (_, i) => {
    const origin = { topic: RAW, partition: i % 2, offset: String(i), value: Buffer.alloc(0), headers: {} };
    const record = { payload: Buffer.from(`${prefix} line ${i}`), receivedAt: '2026-12-01T00:00:00.000Z', input: 'http_ndjson', sourceAddress: `10.0.0.${i % 7}` };
    return encodeDeadLetter(buildDeadLetter(origin as never, record, reason, `${prefix}-${i}`), {});
  });
  await producer.send(DLQ, letters);
}

/** The processor with a parser that still refuses every line: each raw record becomes a dead letter again, under its event id. */
async function startRefusingProcessor(): Promise<void> {
  processor = new EmbeddedBusConsumer({ dataDir, groupId: PROCESSOR_GROUP, memberIndex: 0, memberCount: 1, pollIntervalMs: 10 });
  const out = new EmbeddedBusProducer({ dataDir });
  await out.connect();
  await processor.connect();
  await processor.run({
    topic: RAW,
    chunkSize: 100,
    handleChunk: async (messages) => {
      const letters = messages.map((message) => {
        const record = decodeRawRecord(message, new Date().toISOString());
        return encodeDeadLetter(buildDeadLetter(message, record, reason, record.eventId!), encodeRawRecord(record).headers ?? {});
      });
      await out.send(DLQ, letters);
    },
  });
}

async function dlqSize(): Promise<number> {
  return (await bus.positions(DLQ, 'anyone')).reduce((total, p) => total + Number(p.end), 0);
}

async function eventIdsIn(from: Map<number, string>): Promise<string[]> {
  const ids: string[] = [];
  const positions = await bus.positions(DLQ, 'anyone');
  await bus.readRange(
    DLQ,
    positions.map((p) => ({ partition: p.partition, from: from.get(p.partition) ?? '0', until: p.end })),
    { chunkSize: 100, handleChunk: async (messages: readonly RangeMessage[]) => void ids.push(...messages.map((m) => decodeDeadLetter(m)!.event_id)) },
  );
  return ids;
}

function replay(overrides: Partial<ReplayOptions> = {}) {
  return replayDeadLetters({
    bus,
    deadLetterTopic: DLQ,
    rawTopic: RAW,
    replayGroup: 'siem-processor-dlq-replay',
    all: false,
    processorGroup: PROCESSOR_GROUP,
    filter: {},
    waitMs: 20_000,
    pollMs: 20,
    chunkSize: 64,
    ...overrides,
  });
}

describe('replayDeadLetters', () => {
  it('with unchanged parsers replays each letter once, counts those that failed again and stops', async () => {
    await writeDeadLetters(300, 'old');
    await startRefusingProcessor();
    const ends = new Map((await bus.positions(DLQ, 'anyone')).map((p) => [p.partition, p.end]));
    const result = await replay();
    expect(result).toEqual({ read: 300, replayed: 300, duplicates: 0, skipped: 0, unreadable: 0, failedAgain: 300, complete: true, deadLettersAdded: 300 });
    expect(await dlqSize()).toBe(600);
    const added = await eventIdsIn(ends);
    expect(added.sort()).toEqual(Array.from({ length: 300 }, (_, i) => `old-${i}`).sort());
  });

  it('leaves the letters that failed again to the next replay, and --all replays every letter kept', async () => {
    await writeDeadLetters(40, 'old');
    await startRefusingProcessor();
    expect((await replay()).failedAgain).toBe(40);
    const second = await replay();
    expect(second).toMatchObject({ read: 40, replayed: 40, failedAgain: 40, complete: true });
    expect(await dlqSize()).toBe(120);
    // Each event has three letters now: it is replayed once.
    expect(await replay({ all: true })).toMatchObject({ read: 120, replayed: 40, duplicates: 80, failedAgain: 40, deadLettersAdded: 40 });
  });

  it('replays only the letters the filter names and counts the rest as skipped', async () => {
    await writeDeadLetters(10, 'old');
    await producer.send(DLQ, [{ value: Buffer.from('not a dead letter') }]);
    await startRefusingProcessor();
    const result = await replay({ filter: { code: 'SIEM_PARSE_EMPTY' } });
    expect(result).toEqual({ read: 11, replayed: 0, duplicates: 0, skipped: 10, unreadable: 1, failedAgain: 0, complete: true, deadLettersAdded: 0 });
  });

  it('says it is incomplete when no processor handles the replayed events in time', async () => {
    await writeDeadLetters(5, 'old');
    const result = await replay({ waitMs: 200 });
    expect(result).toMatchObject({ replayed: 5, failedAgain: 0, complete: false, deadLettersAdded: 0 });
  });
});
