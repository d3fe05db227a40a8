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

  it('carries the MQTT topic and the file path of a record in headers', () => {
    const encoded = encodeRawRecord({ payload: Buffer.from('x'), receivedAt: '2026-11-23T10:00:00.000Z', input: 'file', mqttTopic: 'logs/a', filePath: '/var/log/app.log' });
    expect(encoded.headers).toMatchObject({ 'siem.mqtt_topic': 'logs/a', 'siem.file_path': '/var/log/app.log' });
    const decoded = decodeRawRecord({ topic: 't', partition: 0, offset: '1', value: encoded.value, headers: encoded.headers ?? {} }, 'unused');
    expect(decoded).toMatchObject({ input: 'file', mqttTopic: 'logs/a', filePath: '/var/log/app.log' });
  });

  it('flags a truncated record with siem.truncated: 1 and carries the _bulk target index', () => {
    const encoded = encodeRawRecord({ payload: Buffer.from('x'), receivedAt: '2026-11-23T10:00:00.000Z', input: 'http_bulk', truncated: true, targetIndex: 'filebeat-8.11.0' });
    expect(encoded.headers).toMatchObject({ 'siem.truncated': '1', 'siem.target_index': 'filebeat-8.11.0' });
    const decoded = decodeRawRecord({ topic: 't', partition: 0, offset: '1', value: encoded.value, headers: encoded.headers ?? {} }, 'unused');
    expect(decoded).toMatchObject({ truncated: true, targetIndex: 'filebeat-8.11.0' });
    const whole = encodeRawRecord({ payload: Buffer.from('x'), receivedAt: '2026-11-23T10:00:00.000Z', input: 'syslog_tcp', truncated: false });
    expect(whole.headers).not.toHaveProperty('siem.truncated');
    expect(decodeRawRecord({ topic: 't', partition: 0, offset: '2', value: whole.value, headers: whole.headers ?? {} }, 'unused')).not.toHaveProperty('truncated');
  });

  it('carries the tenant in siem.tenant; a record without it decodes without one', () => {
    const encoded = encodeRawRecord({ payload: Buffer.from('x'), receivedAt: '2026-11-23T10:00:00.000Z', input: 'http_ndjson', tenant: 'acme' });
    expect(encoded.headers).toMatchObject({ 'siem.tenant': 'acme' });
    expect(decodeRawRecord({ topic: 't', partition: 0, offset: '1', value: encoded.value, headers: encoded.headers ?? {} }, 'unused')).toMatchObject({ tenant: 'acme' });
    expect(decodeRawRecord({ topic: 't', partition: 0, offset: '2', value: Buffer.from('x'), headers: {} }, 'unused')).not.toHaveProperty('tenant');
  });

  it('accepts a message produced without our headers, as kcat or omkafka would', () => {
    const decoded = decodeRawRecord({ topic: 't', partition: 1, offset: '0', value: Buffer.from('{"a":1}'), headers: {} }, '2026-01-01T00:00:00.000Z');
    expect(decoded.input).toBe('kafka');
    expect(decoded.receivedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(decoded.sourceAddress).toBeUndefined();
  });
});
