import { describe, expect, it } from 'vitest';
import { envelopeRecordId, eventId } from './event-id';

const at = (offset: string, partition = 0, topic = 'siem.raw', incarnation = 'Me6ag0qqSs2sgNLR') => ({ incarnation, topic, partition, offset });

describe('eventId', () => {
  it('is the same for the same position and differs across positions', () => {
    expect(eventId(at('42'))).toBe(eventId(at('42')));
    const ids = new Set([eventId(at('42')), eventId(at('42', 1)), eventId(at('43')), eventId(at('42', 0, 'other'))]);
    expect(ids.size).toBe(4);
  });

  it('differs between incarnations of the topic at the same offset', () => {
    expect(eventId(at('0', 0, 'siem.raw', 'Me6ag0qqSs2sgNLR'))).not.toBe(eventId(at('0', 0, 'siem.raw', 'TM6kgW5GSd-pCOZ6')));
  });

  it('gives each record of a batch envelope its own id, distinct from every single-record id', () => {
    const message = eventId(at('42'));
    const ids = new Set([message, envelopeRecordId(message, 0), envelopeRecordId(message, 1), envelopeRecordId(eventId(at('43')), 0)]);
    expect(ids.size).toBe(4);
    expect(message).not.toContain('.');
    expect(envelopeRecordId(message, 1)).toBe(envelopeRecordId(eventId(at('42')), 1));
  });

  it('cannot be confused by separators inside names', () => {
    expect(eventId(at('1', 11, 'a'))).not.toBe(eventId(at('1', 1, 'a1')));
    expect(eventId(at('1', 0, 'b', 'a'))).not.toBe(eventId(at('1', 0, 'ab', '')));
  });
});
