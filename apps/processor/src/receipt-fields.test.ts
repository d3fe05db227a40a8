import type { EcsEvent, RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { addReceiptFields } from './receipt-fields';

const event = (extra: Partial<EcsEvent> = {}): EcsEvent => ({ '@timestamp': '2026-11-23T10:00:00.000Z', event: {}, ...extra });
const record = (extra: Partial<RawRecord>): RawRecord => ({ payload: Buffer.from('x'), receivedAt: '2026-11-23T10:00:00.000Z', input: 'file', ...extra });

describe('receipt fields', () => {
  it('puts the file path in log.file.path next to the fields the parser set', () => {
    const parsed = event({ log: { source: { address: '10.0.0.1' } } });
    addReceiptFields(parsed, record({ filePath: '/var/log/app.log' }));
    expect(parsed.log).toEqual({ source: { address: '10.0.0.1' }, file: { path: '/var/log/app.log' } });
  });

  it('puts the MQTT topic in mqtt.topic, over a non-object value the line carried', () => {
    const parsed = event({ mqtt: 'from the payload' });
    addReceiptFields(parsed, record({ input: 'mqtt', mqttTopic: 'logs/plant-1/door' }));
    expect(parsed.mqtt).toEqual({ topic: 'logs/plant-1/door' });
  });

  it('tags the event of a truncated record, keeping the tags the line carried', () => {
    const parsed = event({ tags: ['from-sender'] });
    addReceiptFields(parsed, record({ input: 'syslog_tcp', truncated: true }));
    expect(parsed.tags).toEqual(['from-sender', 'truncated']);
    const untagged = event();
    addReceiptFields(untagged, record({ input: 'syslog_udp', truncated: true }));
    expect(untagged.tags).toEqual(['truncated']);
  });

  it('puts the index a _bulk sender addressed in labels.target_index, next to its own labels', () => {
    const parsed = event({ labels: { team: 'web' } });
    addReceiptFields(parsed, record({ input: 'http_bulk', targetIndex: 'filebeat-8.11.0' }));
    expect(parsed.labels).toEqual({ team: 'web', target_index: 'filebeat-8.11.0' });
  });

  it('adds only the tenant to an event from another input', () => {
    const parsed = event();
    addReceiptFields(parsed, record({ input: 'syslog_udp', tenant: 'acme' }));
    expect(parsed).toEqual(event({ organization: { id: 'acme' } }));
  });

  it('puts the record\'s tenant in organization.id over a forged organization the line carried; a record without one is default', () => {
    const forged = event({ organization: { id: 'victim', name: 'Victim Corp' } });
    addReceiptFields(forged, record({ input: 'http_bulk', tenant: 'acme' }));
    expect(forged.organization).toEqual({ id: 'acme' });
    const old = event({ organization: 'victim' });
    addReceiptFields(old, record({ input: 'syslog_udp' }));
    expect(old.organization).toEqual({ id: 'default' });
  });
});
