import { describe, expect, it } from 'vitest';
import { decodeRawRecord, encodeRawRecord } from './raw-record-codec';

describe('raw record codec', () => {
  it('round-trips payload bytes and metadata, keyed by the sending host', () => {
    const payload = Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0x00]);
    const encoded = encodeRawRecord({ payload, receivedAt: '2026-11-23T10:00:00.000Z', sourceAddress: '10.1.2.3', input: 'syslog_udp' });
    expect(encoded.key).toBe('10.1.2.3');
    const decoded = decodeRawRecord(
      { topic: 't', partition: 0, offset: '7', key: encoded.key, value: encoded.value, headers: encoded.headers ?? {} },
      'unused',
    );
    expect(decoded).toEqual({ payload, receivedAt: '2026-11-23T10:00:00.000Z', sourceAddress: '10.1.2.3', input: 'syslog_udp' });
  });

  it('accepts a message produced without our headers, as kcat or omkafka would', () => {
    const decoded = decodeRawRecord({ topic: 't', partition: 1, offset: '0', value: Buffer.from('{"a":1}'), headers: {} }, '2026-01-01T00:00:00.000Z');
    expect(decoded.input).toBe('kafka');
    expect(decoded.receivedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(decoded.sourceAddress).toBeUndefined();
  });
});
