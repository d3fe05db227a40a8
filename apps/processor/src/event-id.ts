import { createHash } from 'node:crypto';

/**
 * The document id of the event at (topic, partition, offset), and at `index`
 * within a batch envelope. Redelivery after a crash yields the same id, so the
 * store overwrites instead of duplicating.
 */
export function eventId(topic: string, partition: number, offset: string, index?: number): string {
  const position = index === undefined ? offset : `${offset}\u0000${index}`;
  return createHash('sha256').update(`${topic}\u0000${partition}\u0000${position}`).digest('base64url').slice(0, 32);
}
