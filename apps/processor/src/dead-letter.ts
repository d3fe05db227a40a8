import { createHash } from 'node:crypto';
import type { BusRecord, ConsumedMessage } from '@siem/bus';
import type { RawRecord } from '@siem/schema';

export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
  /** The parser or stage that refused the event. */
  readonly stage: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeIfUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A dead letter carries everything needed to understand and replay the event:
 * the reason, where it came from, and its raw bytes (base64 when not UTF-8).
 * `error.hash` groups letters that failed the same way.
 */
export function buildDeadLetter(message: ConsumedMessage, record: RawRecord, reason: DeadLetterReason): BusRecord {
  const text = decodeIfUtf8(record.payload);
  const body = {
    '@timestamp': new Date().toISOString(),
    error: {
      code: reason.code,
      message: reason.message,
      stage: reason.stage,
      hash: createHash('sha1').update(`${reason.stage}\u0000${reason.code}`).digest('hex').slice(0, 16),
    },
    input: record.input,
    received_at: record.receivedAt,
    source_address: record.sourceAddress,
    origin: { topic: message.topic, partition: message.partition, offset: message.offset },
    ...(text === undefined ? { raw_base64: record.payload.toString('base64') } : { raw: text }),
  };
  return { key: record.sourceAddress, value: Buffer.from(JSON.stringify(body)), headers: message.headers };
}
