import { describe, expect, it } from 'vitest';
import { envelopeRecordId, eventId } from './event-id';

describe('eventId', () => {
  it('is the same for the same position and differs across positions', () => {
    expect(eventId('siem.raw', 0, '42')).toBe(eventId('siem.raw', 0, '42'));
    const ids = new Set([eventId('siem.raw', 0, '42'), eventId('siem.raw', 1, '42'), eventId('siem.raw', 0, '43'), eventId('other', 0, '42')]);
    expect(ids.size).toBe(4);
  });

  it('gives each record of a batch envelope its own id, distinct from every single-record id', () => {
    const message = eventId('siem.raw', 0, '42');
    const ids = new Set([message, envelopeRecordId(message, 0), envelopeRecordId(message, 1), envelopeRecordId(eventId('siem.raw', 0, '43'), 0)]);
    expect(ids.size).toBe(4);
    expect(message).not.toContain('.');
    expect(envelopeRecordId(message, 1)).toBe(envelopeRecordId(eventId('siem.raw', 0, '42'), 1));
  });

  it('cannot be confused by separators inside names', () => {
    expect(eventId('a', 11, '1')).not.toBe(eventId('a1', 1, '1'));
  });
});
