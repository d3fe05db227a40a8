import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { BusErrorCodes } from './errors';
import { ENVELOPE_HEADER, ENVELOPE_MAX_PAYLOAD_BYTES, packRawRecords, rawRecordCount, unpackRawRecords } from './record-envelope';
import type { BusRecord, ConsumedMessage } from './types';

const at = '2026-11-23T10:00:00.000Z';
const consumed = (record: BusRecord, offset = '5'): ConsumedMessage => ({ incarnation: 'raw-incarnation1', topic: 'siem.raw', partition: 1, offset, ...(record.key !== undefined && { key: record.key }), value: record.value, headers: record.headers ?? {} });
const line = (text: string, extra: Partial<RawRecord> = {}): RawRecord => ({ payload: Buffer.from(text), receivedAt: at, sourceAddress: '10.0.0.1', input: 'syslog_tcp', ...extra });

describe('batch envelope', () => {
  it('round-trips records of one source in order, with bytes, receive times, flags and event ids untouched', () => {
    const records: RawRecord[] = [
      line('<13>first'),
      line('second\nwith a newline inside'),
      { ...line(''), receivedAt: '2026-11-23T10:00:00.250Z', truncated: true },
      { ...line('x'), payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]), eventId: 'abc-123' },
    ];
    const packed = packRawRecords(records);
    expect(packed).toHaveLength(1);
    expect(packed[0]!.key).toBe('10.0.0.1');
    expect(packed[0]!.headers).toEqual({ [ENVELOPE_HEADER]: '1', 'siem.input': 'syslog_tcp' });
    expect(rawRecordCount(packed[0]!)).toBe(4);
    expect(unpackRawRecords(consumed(packed[0]!), 'unused')).toEqual([
      { payload: Buffer.from('<13>first'), receivedAt: at, sourceAddress: '10.0.0.1', input: 'syslog_tcp' },
      { payload: Buffer.from('second\nwith a newline inside'), receivedAt: at, sourceAddress: '10.0.0.1', input: 'syslog_tcp' },
      { payload: Buffer.alloc(0), receivedAt: '2026-11-23T10:00:00.250Z', sourceAddress: '10.0.0.1', input: 'syslog_tcp', truncated: true },
      { payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]), receivedAt: at, sourceAddress: '10.0.0.1', input: 'syslog_tcp', eventId: 'abc-123' },
    ]);
  });

  it('gives each source, input, MQTT topic and file its own envelope, keeping the order within each', () => {
    const records: RawRecord[] = [
      line('a1'),
      line('b1', { sourceAddress: '10.0.0.2' }),
      line('a2'),
      line('m1', { input: 'mqtt', mqttTopic: 'plant/1', sourceAddress: undefined }),
      line('f1', { input: 'file', filePath: '/var/log/a.log', sourceAddress: undefined }),
      line('f2', { input: 'file', filePath: '/var/log/b.log', sourceAddress: undefined }),
      line('b2', { sourceAddress: '10.0.0.2' }),
    ];
    const packed = packRawRecords(records);
    const unpacked = packed.map((record, i) => unpackRawRecords(consumed(record, String(i)), 'unused'));
    expect(unpacked.map((group) => group.map((r) => r.payload.toString()))).toEqual([['a1', 'a2'], ['b1', 'b2'], ['m1'], ['f1'], ['f2']]);
    expect(unpacked[2]![0]).toMatchObject({ input: 'mqtt', mqttTopic: 'plant/1' });
    expect(unpacked[2]![0]!.sourceAddress).toBeUndefined();
    expect(packed[2]!.key).toBeUndefined();
    expect(unpacked[4]![0]).toMatchObject({ input: 'file', filePath: '/var/log/b.log' });
  });

  it('carries the tenant in the envelope header, one envelope per tenant of a source; an envelope without one has none', () => {
    const packed = packRawRecords([line('a1', { tenant: 'acme' }), line('b1', { tenant: 'globex' }), line('a2', { tenant: 'acme' }), line('old')]);
    expect(packed.map((record) => record.headers?.['siem.tenant'])).toEqual(['acme', 'globex', undefined]);
    const unpacked = packed.map((record, i) => unpackRawRecords(consumed(record, String(i)), 'unused'));
    expect(unpacked.map((group) => group.map((r) => [r.payload.toString(), r.tenant]))).toEqual([
      [['a1', 'acme'], ['a2', 'acme']],
      [['b1', 'globex']],
      [['old', undefined]],
    ]);
    expect(unpacked[2]![0]).not.toHaveProperty('tenant');
  });

  it('starts a new envelope before the payload bound, and a record larger than it travels alone', () => {
    const big = 'x'.repeat(ENVELOPE_MAX_PAYLOAD_BYTES / 4);
    const packed = packRawRecords([line(big), line(big), line(big), line(big), line('y'), line('z'.repeat(ENVELOPE_MAX_PAYLOAD_BYTES + 1)), line('after')]);
    expect(packed.map(rawRecordCount)).toEqual([4, 1, 1, 1]);
    const total = packed.flatMap((record, i) => unpackRawRecords(consumed(record, String(i)), 'unused')).map((r) => r.payload.length);
    expect(total).toEqual([big.length, big.length, big.length, big.length, 1, ENVELOPE_MAX_PAYLOAD_BYTES + 1, 5]);
  });

  it('reads a message without the envelope header as one record', () => {
    const message: ConsumedMessage = { incarnation: 'raw-incarnation1', topic: 't', partition: 0, offset: '1', key: 'web-7', value: Buffer.from('plain line'), headers: { 'siem.input': 'edge' } };
    expect(rawRecordCount(message)).toBe(1);
    expect(unpackRawRecords(message, at)).toEqual([{ payload: Buffer.from('plain line'), receivedAt: at, sourceAddress: 'web-7', input: 'edge' }]);
  });

  it.each([
    ['an unknown version', (v: Buffer) => v, '2', /version "2"/],
    ['a value shorter than its count', () => Buffer.from([0, 0]), '1', /shorter than its record count/],
    ['a count larger than the records', (v: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 9]), v.subarray(4)]), '1', /record 3 of 9 is cut short in its flags/],
    ['a payload length past the end', (v: Buffer) => v.subarray(0, v.length - 1), '1', /record 2 of 2 is cut short in its payload/],
    ['bytes after the last record', (v: Buffer) => Buffer.concat([v, Buffer.from('junk')]), '1', /4 bytes follow its 2 records/],
    ['unknown flags', (v: Buffer) => Buffer.concat([v.subarray(0, 4), Buffer.from([0x80]), v.subarray(5)]), '1', /unknown flags 128/],
    ['a first record without a receive time', (v: Buffer) => Buffer.concat([v.subarray(0, 4), Buffer.from([0]), v.subarray(6 + at.length)]), '1', /first record has no receive time/],
  ])('refuses an envelope with %s, naming where it is', (_name, corrupt, version, reason) => {
    const [packed] = packRawRecords([line('one'), line('two')]);
    const message = consumed({ ...packed!, value: corrupt(packed!.value), headers: { ...packed!.headers, [ENVELOPE_HEADER]: version } });
    expect(() => unpackRawRecords(message, at)).toThrow(expect.objectContaining({ code: BusErrorCodes.envelopeInvalid, message: expect.stringMatching(reason) }));
    expect(() => unpackRawRecords(message, at)).toThrow(/siem\.raw\/1@5/);
  });

  it('refuses to pack an event id that does not fit its one-byte length', () => {
    expect(() => packRawRecords([line('a', { eventId: 'e'.repeat(256) })])).toThrow(expect.objectContaining({ code: BusErrorCodes.envelopeInvalid }));
  });
});
