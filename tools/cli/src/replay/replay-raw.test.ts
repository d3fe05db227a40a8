import { encodeRawRecord, envelopeRecordId, eventId, packRawRecords, unpackRawRecords, type BusRecord, type OffsetRange, type RangeMessage, type ReadRangeOptions } from '@siem/bus';
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { rawFilter } from './replay-command';
import { replayProgressLine, replayRaw } from './replay-raw';

const record = (text: string, receivedAt: string, extra: Partial<RawRecord> = {}): RawRecord => ({ payload: Buffer.from(text), receivedAt, input: 'http_ndjson', ...extra });

/** A one-partition topic in memory with the Bus methods replay uses. */
function memoryBus(messages: BusRecord[]) {
  const sent: BusRecord[] = [];
  const log: RangeMessage[] = messages.map((message, offset) => ({ topic: 'raw', partition: 0, offset: String(offset), value: message.value, headers: message.headers ?? {} }));
  return {
    sent,
    bus: {
      positions: async () => [{ partition: 0, oldest: '0', next: '0', end: String(log.length) }],
      offsetsForTime: async () => [{ partition: 0, offset: '0' }],
      incarnation: async () => 'inc0',
      readRange: async (_topic: string, ranges: readonly OffsetRange[], options: ReadRangeOptions) => {
        for (const range of ranges) await options.handleChunk(log.slice(Number(range.from), Number(range.until)));
      },
      producer: () => ({ connect: async () => undefined, disconnect: async () => undefined, send: async (_topic: string, records: readonly BusRecord[]) => void sent.push(...records) }),
    },
  };
}

const decode = (records: readonly BusRecord[]) => records.flatMap((message) => unpackRawRecords({ topic: 'raw', partition: 0, offset: '0', value: message.value, headers: message.headers ?? {} }, '1970-01-01T00:00:00.000Z'));

describe('siem replay – raw records', () => {
  it('replay – sends the records received in the range again with the ids their events got: per message, or per envelope index', async () => {
    const single = encodeRawRecord(record('{"a":1}', '2026-12-04T10:00:00.000Z'));
    const [envelope] = packRawRecords([record('{"b":1}', '2026-12-04T10:30:00.000Z'), record('{"b":2}', '2026-12-04T10:31:00.000Z')]);
    const late = encodeRawRecord(record('{"c":1}', '2026-12-04T12:00:00.000Z'));
    const replayedBefore = encodeRawRecord(record('{"d":1}', '2026-12-04T10:45:00.000Z', { eventId: 'kept-id' }));
    const { bus, sent } = memoryBus([single, envelope!, late, replayedBefore]);
    const result = await replayRaw({ bus, rawTopic: 'raw', fromMs: Date.parse('2026-12-04T10:00:00Z'), toMs: Date.parse('2026-12-04T11:00:00Z'), envelope: false });
    expect(result).toMatchObject({ read: 5, replayed: 4, skipped: 1, unreadable: 0, scanned: 4, total: 4 });
    const messageId = (offset: number) => eventId({ incarnation: 'inc0', topic: 'raw', partition: 0, offset: String(offset) });
    expect(decode(sent).map((r) => [r.payload.toString(), r.eventId])).toEqual([
      ['{"a":1}', messageId(0)],
      ['{"b":1}', envelopeRecordId(messageId(1), 0)],
      ['{"b":2}', envelopeRecordId(messageId(1), 1)],
      ['{"d":1}', 'kept-id'],
    ]);
    expect(replayProgressLine(result)).toContain('100% scanned 4/4 messages, replayed 4 records');
  });

  it('replay – --query keeps only matching records, and an unreadable envelope is counted, not fatal', async () => {
    const broken: BusRecord = { value: Buffer.from('garbage'), headers: { 'siem.envelope': '1' } };
    const { bus, sent } = memoryBus([encodeRawRecord(record('{"shop":"north"}', '2026-12-04T10:00:00.000Z')), encodeRawRecord(record('{"shop":"south"}', '2026-12-04T10:00:00.000Z')), broken]);
    const result = await replayRaw({ bus, rawTopic: 'raw', fromMs: 0, toMs: Date.parse('2027-01-01T00:00:00Z'), envelope: true, filter: rawFilter('raw:*north*') });
    expect(result).toMatchObject({ replayed: 1, skipped: 1, unreadable: 1 });
    expect(decode(sent).map((r) => r.payload.toString())).toEqual(['{"shop":"north"}']);
  });

  it('replay – the query filter reads parsed fields and free text', () => {
    const filter = rawFilter('json.shop:north AND order');
    expect(filter(record('{"shop":"north","message":"order 1"}', '2026-12-04T10:00:00.000Z'))).toBe(true);
    expect(filter(record('{"shop":"south","message":"order 1"}', '2026-12-04T10:00:00.000Z'))).toBe(false);
  });
});
