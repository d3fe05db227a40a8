import { describe, expect, it } from 'vitest';
import { buildDeadLetter, deadLetterDocument, deadLetterToRawRecord, decodeDeadLetter, encodeDeadLetter } from './dead-letter';
import { decodeRawRecord, encodeRawRecord } from './raw-record-codec';
import type { ConsumedMessage } from './types';

const message = { topic: 'siem.raw', partition: 1, offset: '9', value: Buffer.alloc(0), headers: { 'siem.input': 'syslog_udp' } };
const reason = { code: 'SIEM_PARSE_BAD_PRIORITY', message: 'bad', stage: 'syslog_rfc5424' };
const receivedAt = '2026-11-23T10:00:00.000Z';

function consumed(value: Buffer): ConsumedMessage {
  return { incarnation: 'dlq-incarnation1', topic: 'siem.dlq', partition: 0, offset: '0', value, headers: {} };
}

describe('buildDeadLetter', () => {
  it('keeps a UTF-8 payload as text with its origin, reason, grouping hash and event id', () => {
    const letter = buildDeadLetter(message, { payload: Buffer.from('<999>x'), receivedAt, input: 'syslog_udp', sourceAddress: '10.0.0.1' }, reason, 'id-1');
    expect(letter.raw).toBe('<999>x');
    expect(letter.raw_base64).toBeUndefined();
    expect(letter.origin).toEqual({ topic: 'siem.raw', partition: 1, offset: '9' });
    expect(letter.error.code).toBe('SIEM_PARSE_BAD_PRIORITY');
    expect(letter.error.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(letter.event_id).toBe('id-1');
    expect(encodeDeadLetter(letter, {}).key).toBe('10.0.0.1');
  });

  it('groups letters by stage and code, not by content', () => {
    const a = buildDeadLetter(message, { payload: Buffer.from('a'), receivedAt, input: 'x' }, reason, '1');
    const b = buildDeadLetter(message, { payload: Buffer.from('b'), receivedAt, input: 'x' }, reason, '2');
    const c = buildDeadLetter(message, { payload: Buffer.from('a'), receivedAt, input: 'x' }, { ...reason, code: 'SIEM_PARSE_EMPTY' }, '3');
    expect(a.error.hash).toBe(b.error.hash);
    expect(a.error.hash).not.toBe(c.error.hash);
  });

  it('keeps invalid UTF-8 as base64 so the bytes survive a replay', () => {
    const payload = Buffer.from([0x3c, 0xff, 0xfe]);
    const letter = buildDeadLetter(message, { payload, receivedAt, input: 'x' }, reason, 'id-2');
    expect(Buffer.from(letter.raw_base64!, 'base64')).toEqual(payload);
    expect(letter.raw).toBeUndefined();
    const decoded = decodeDeadLetter(consumed(encodeDeadLetter(letter, {}).value));
    expect(deadLetterToRawRecord(decoded!).payload).toEqual(payload);
  });
});

describe('replaying a dead letter', () => {
  it('rebuilds the raw record with its metadata and original event id, through the bus codec', () => {
    const letter = buildDeadLetter(message, { payload: Buffer.from('CEF:0|x'), receivedAt, input: 'syslog_tcp', sourceAddress: '10.0.0.2' }, reason, 'id-3');
    const replayed = encodeRawRecord(deadLetterToRawRecord(decodeDeadLetter(consumed(encodeDeadLetter(letter, {}).value))!));
    const record = decodeRawRecord({ topic: 'siem.raw', partition: 0, offset: '5', key: replayed.key, value: replayed.value, headers: replayed.headers ?? {} }, 'now');
    expect(record).toEqual({ payload: Buffer.from('CEF:0|x'), receivedAt, input: 'syslog_tcp', sourceAddress: '10.0.0.2', eventId: 'id-3' });
  });

  it('keeps the truncated flag and the position in a batch envelope', () => {
    const letter = buildDeadLetter(message, { payload: Buffer.from('<13>cut'), receivedAt, input: 'syslog_tcp', truncated: true }, reason, 'id-5', 3);
    expect(letter.origin).toEqual({ topic: 'siem.raw', partition: 1, offset: '9', index: 3 });
    const decoded = decodeDeadLetter(consumed(encodeDeadLetter(letter, {}).value));
    expect(decoded?.origin.index).toBe(3);
    expect(deadLetterToRawRecord(decoded!)).toMatchObject({ truncated: true, eventId: 'id-5' });
  });

  it('refuses messages that are not dead letters', () => {
    expect(decodeDeadLetter(consumed(Buffer.from('not json')))).toBeUndefined();
    expect(decodeDeadLetter(consumed(Buffer.from('{"error":{}}')))).toBeUndefined();
  });
});

describe('deadLetterDocument', () => {
  it('is an ECS pipeline_error event searchable by code, stage and raw text', () => {
    const letter = buildDeadLetter(message, { payload: Buffer.from('garbage line'), receivedAt, input: 'syslog_udp', sourceAddress: '10.0.0.1' }, reason, 'id-4');
    expect(deadLetterDocument(letter)).toMatchObject({
      '@timestamp': receivedAt,
      message: 'garbage line',
      event: { kind: 'pipeline_error', dataset: 'siem.dead_letter', original: 'garbage line' },
      error: { code: 'SIEM_PARSE_BAD_PRIORITY', message: 'bad', type: 'syslog_rfc5424', id: letter.error.hash },
      siem: { dead_letter: { input: 'syslog_udp', stage: 'syslog_rfc5424', origin: { topic: 'siem.raw', partition: 1, offset: '9' } } },
      host: { name: '10.0.0.1' },
    });
  });

  it('cuts a long message but keeps the whole raw text in event.original, and says when bytes were not text', () => {
    const long = 'x'.repeat(20_000);
    const document = deadLetterDocument(buildDeadLetter(message, { payload: Buffer.from(long), receivedAt, input: 'x' }, reason, 'id'));
    expect(document.message).toHaveLength(8192);
    expect(document.event.original).toBe(long);
    const binary = deadLetterDocument(buildDeadLetter(message, { payload: Buffer.from([0xff]), receivedAt, input: 'x' }, reason, 'id'));
    expect(binary.message).toMatch(/not UTF-8/);
    expect((binary.siem as { dead_letter: { raw_base64: string } }).dead_letter.raw_base64).toBe('/w==');
  });
});
