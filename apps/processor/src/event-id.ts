import { createHash } from 'node:crypto';

/**
 * The document id of the event at (topic, partition, offset). Redelivery after a
 * crash yields the same id, so the store overwrites instead of duplicating.
 */
export function eventId(topic: string, partition: number, offset: string): string {
  return createHash('sha256').update(`${topic}\u0000${partition}\u0000${offset}`).digest('base64url').slice(0, 32);
}

/**
 * The id of record `index` of the batch envelope whose message id is `messageId`:
 * one hash per message, not per record (the hash was 7% of a worker's CPU).
 * The dot keeps it apart from every single-record id: base64url has none.
 */
export function envelopeRecordId(messageId: string, index: number): string {
  return `${messageId}.${index}`;
}
