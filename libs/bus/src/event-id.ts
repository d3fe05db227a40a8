import { createHash } from 'node:crypto';
import type { ConsumedMessage } from './types';

/**
 * The document id of the event at (incarnation, topic, partition, offset). Redelivery after a
 * crash yields the same id, so the store overwrites instead of duplicating; the incarnation
 * keeps a recreated topic, cluster or log directory, whose offsets start again at 0, from
 * overwriting the events of the one before. With a 16-character incarnation and the usual
 * topic names the input stays within one SHA-256 block. The processor indexes by it, and
 * `siem replay` sends it with each replayed record so the event is replaced, not doubled.
 */
export function eventId(message: Pick<ConsumedMessage, 'incarnation' | 'topic' | 'partition' | 'offset'>): string {
  return createHash('sha256').update(`${message.incarnation}\u0000${message.topic}\u0000${message.partition}\u0000${message.offset}`).digest('base64url').slice(0, 32);
}

/**
 * The id of record `index` of the batch envelope whose message id is `messageId`:
 * one hash per message, not per record (the hash was 7% of a worker's CPU).
 * The dot keeps it apart from every single-record id: base64url has none.
 */
export function envelopeRecordId(messageId: string, index: number): string {
  return `${messageId}.${index}`;
}
