import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBus, encodeRawRecord, envelopeRecordId, eventId, isEnvelope, packRawRecords, priorityTopic, unpackRawRecords, type Bus, type BusRecord, type ConsumedMessage } from '@siem/bus';
import { loadConfig } from '@siem/config';
import type { RawRecord } from '@siem/schema';
import { createLogger } from '@siem/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { rawFilter } from './replay-command';
import { replayProgressLine, replayRaw } from './replay-raw';

const RAW = 'siem.raw';
const HIGH = priorityTopic(RAW, 'high');
const record = (text: string, receivedAt: string, extra: Partial<RawRecord> = {}): RawRecord => ({ payload: Buffer.from(text), receivedAt, input: 'http_ndjson', ...extra });

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The embedded bus of a fresh data directory, with the pipeline's topics. */
async function embeddedBus(): Promise<Bus> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-replay-'));
  dirs.push(dataDir);
  const bus = createBus(loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_TOPIC_RAW: RAW }), createLogger('test', 'silent'), 'test');
  await bus.ensureTopics();
  return bus;
}

async function send(bus: Bus, topic: string, records: readonly BusRecord[]): Promise<void> {
  const producer = bus.producer();
  await producer.connect();
  await producer.send(topic, records);
  await producer.disconnect();
}

/**
 * Payload → event id of the first `count` records of `topic`, read by a consumer group as the
 * processor reads them (process-chunk: the record's own id, else the message's, per envelope index).
 */
async function idsAsProcessed(bus: Bus, topic: string, count: number, group: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const consumer = bus.consumer({ index: 0, count: 1 }, group);
  await consumer.connect();
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  void consumer.run({
    topic,
    chunkSize: 100,
    handleChunk: async (messages: readonly ConsumedMessage[]) => {
      for (const message of messages) {
        const messageId = eventId(message);
        unpackRawRecords(message, '1970-01-01T00:00:00.000Z').forEach((r, index) => ids.set(r.payload.toString(), r.eventId ?? (isEnvelope(message) ? envelopeRecordId(messageId, index) : messageId)));
      }
      if (ids.size >= count) done();
    },
  });
  await all;
  await consumer.disconnect();
  return ids;
}

describe('siem replay – raw records on the embedded bus', () => {
  it('replay – reads the raw topic and <raw>.high, and sends each record in the range again with the id its event got from the topic it was on', async () => {
    const bus = await embeddedBus();
    const [envelope] = packRawRecords([record('normal-b1', '2026-12-04T10:30:00.000Z'), record('normal-b2', '2026-12-04T10:31:00.000Z')]);
    await send(bus, RAW, [encodeRawRecord(record('normal-a', '2026-12-04T10:00:00.000Z')), envelope!, encodeRawRecord(record('normal-late', '2026-12-04T12:00:00.000Z')), encodeRawRecord(record('normal-replayed-before', '2026-12-04T10:45:00.000Z', { eventId: 'kept-id' }))]);
    const [highEnvelope] = packRawRecords([record('high-b1', '2026-12-04T10:20:00.000Z'), record('high-b2', '2026-12-04T10:21:00.000Z')]);
    await send(bus, HIGH, [encodeRawRecord(record('high-a', '2026-12-04T10:10:00.000Z')), highEnvelope!, encodeRawRecord(record('high-early', '2026-12-04T09:00:00.000Z'))]);
    const processed = new Map([...(await idsAsProcessed(bus, RAW, 5, 'first-pass')), ...(await idsAsProcessed(bus, HIGH, 4, 'first-pass-high'))]);
    const ends = async (topic: string) => (await bus.positions(topic, 'test')).map((position) => position.end);
    const [rawEnds, highEnds] = [await ends(RAW), await ends(HIGH)];

    const result = await replayRaw({ bus, rawTopic: RAW, fromMs: Date.parse('2026-12-04T10:00:00Z'), toMs: Date.parse('2026-12-04T11:00:00Z'), envelope: false });

    expect(result).toMatchObject({ read: 9, replayed: 7, skipped: 2, unreadable: 0, scanned: 7, total: 7 });
    expect(replayProgressLine(result)).toContain('100% scanned 7/7 messages, replayed 7 records');
    // Every replayed record went to the raw topic, none to the high one: a replay does not queue ahead of live high records.
    expect(await ends(HIGH)).toEqual(highEnds);
    const replayed = new Map<string, string>();
    await bus.readRange(
      RAW,
      (await bus.positions(RAW, 'test')).map((position) => ({ partition: position.partition, from: rawEnds[position.partition]!, until: position.end })),
      { chunkSize: 100, handleChunk: async (messages) => messages.flatMap((m) => unpackRawRecords(m, '1970-01-01T00:00:00.000Z')).forEach((r) => replayed.set(r.payload.toString(), r.eventId!)) },
    );
    const inRange = ['normal-a', 'normal-b1', 'normal-b2', 'normal-replayed-before', 'high-a', 'high-b1', 'high-b2'];
    expect([...replayed.keys()].sort()).toEqual([...inRange].sort());
    for (const payload of inRange) expect(replayed.get(payload), payload).toBe(processed.get(payload));
    expect(replayed.get('normal-replayed-before')).toBe('kept-id');
    // The high records' ids are those of their own topic: the same offsets of the raw topic name other events.
    expect(new Set(inRange.map((payload) => processed.get(payload))).size).toBe(inRange.length);
  });

  it('replay – --query keeps only matching records of both topics, and an unreadable envelope is counted, not fatal', async () => {
    const bus = await embeddedBus();
    const broken: BusRecord = { value: Buffer.from('garbage'), headers: { 'siem.envelope': '1' } };
    await send(bus, RAW, [encodeRawRecord(record('{"shop":"north"}', '2026-12-04T10:00:00.000Z')), encodeRawRecord(record('{"shop":"south"}', '2026-12-04T10:00:00.000Z')), broken]);
    await send(bus, HIGH, [encodeRawRecord(record('{"shop":"north","alarm":1}', '2026-12-04T10:00:00.000Z'))]);
    const result = await replayRaw({ bus, rawTopic: RAW, fromMs: 0, toMs: Date.parse('2027-01-01T00:00:00Z'), envelope: true, filter: rawFilter('raw:*north*') });
    expect(result).toMatchObject({ replayed: 2, skipped: 1, unreadable: 1 });
  });

  it('replay – the query filter reads parsed fields and free text', () => {
    const filter = rawFilter('json.shop:north AND order');
    expect(filter(record('{"shop":"north","message":"order 1"}', '2026-12-04T10:00:00.000Z'))).toBe(true);
    expect(filter(record('{"shop":"south","message":"order 1"}', '2026-12-04T10:00:00.000Z'))).toBe(false);
  });
});
