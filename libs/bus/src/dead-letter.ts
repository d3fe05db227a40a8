/**
 * The dead letter: an event no parser accepted (or the store refused), with
 * everything needed to understand and replay it. It travels on the
 * dead-letter topic as JSON, and the processor also indexes it in the store as
 * an ECS `event.kind: pipeline_error` document, so analysts find it with a
 * search. Replaying re-sends the raw bytes with the original event id, so a
 * fixed parser's event replaces its dead letter instead of adding a copy.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { EcsEvent, RawRecord } from '@siem/schema';
import type { BusRecord, ConsumedMessage } from './types';

export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
  /** The parser or stage that refused the event. */
  readonly stage: string;
}

export const DeadLetterSchema = Type.Object({
  '@timestamp': Type.String(),
  error: Type.Object({ code: Type.String(), message: Type.String(), stage: Type.String(), hash: Type.String() }),
  event_id: Type.String({ minLength: 1 }),
  input: Type.String(),
  received_at: Type.String(),
  source_address: Type.Optional(Type.String()),
  /** The collector cut the raw record to its size limit; a replay keeps the `truncated` tag. */
  truncated: Type.Optional(Type.Boolean()),
  /** Where the raw record was read: `index` is its position in a batch envelope, absent for a single-record message. */
  origin: Type.Object({ topic: Type.String(), partition: Type.Integer(), offset: Type.String(), index: Type.Optional(Type.Integer({ minimum: 0 })) }),
  raw: Type.Optional(Type.String()),
  raw_base64: Type.Optional(Type.String()),
});

export type DeadLetter = Static<typeof DeadLetterSchema>;

/** Longest raw text copied into the searchable `message` of a dead-letter document. */
const MAX_MESSAGE_CHARS = 8192;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeIfUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Letters that failed the same way (same stage and code) share this hash, for grouping. */
export function deadLetterHash(reason: DeadLetterReason): string {
  return createHash('sha1').update(`${reason.stage}\u0000${reason.code}`).digest('hex').slice(0, 16);
}

export function buildDeadLetter(message: Omit<ConsumedMessage, 'incarnation'>, record: RawRecord, reason: DeadLetterReason, eventId: string, envelopeIndex?: number): DeadLetter {
  const text = decodeIfUtf8(record.payload);
  const letter: DeadLetter = {
    '@timestamp': new Date().toISOString(),
    error: { code: reason.code, message: reason.message, stage: reason.stage, hash: deadLetterHash(reason) },
    event_id: eventId,
    input: record.input,
    received_at: record.receivedAt,
    origin: { topic: message.topic, partition: message.partition, offset: message.offset, ...(envelopeIndex !== undefined && { index: envelopeIndex }) },
  };
  if (record.sourceAddress !== undefined) letter.source_address = record.sourceAddress;
  if (record.truncated) letter.truncated = true;
  if (text === undefined) letter.raw_base64 = record.payload.toString('base64');
  else letter.raw = text;
  return letter;
}

/** The dead letter as a message of the dead-letter topic, keyed like the raw record. */
export function encodeDeadLetter(letter: DeadLetter, headers: Readonly<Record<string, string>>): BusRecord {
  return { key: letter.source_address, value: Buffer.from(JSON.stringify(letter)), headers };
}

/** Reads a message of the dead-letter topic; undefined when it is not a dead letter this version wrote. */
export function decodeDeadLetter(message: Omit<ConsumedMessage, 'incarnation'>): DeadLetter | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch {
    return undefined;
  }
  return Value.Check(DeadLetterSchema, value) ? value : undefined;
}

/** The raw record to send through the pipeline again, carrying its original event id. */
export function deadLetterToRawRecord(letter: DeadLetter): RawRecord {
  const payload = letter.raw_base64 !== undefined ? Buffer.from(letter.raw_base64, 'base64') : Buffer.from(letter.raw ?? '', 'utf8');
  return {
    payload,
    receivedAt: letter.received_at,
    input: letter.input,
    eventId: letter.event_id,
    ...(letter.source_address !== undefined && { sourceAddress: letter.source_address }),
    ...(letter.truncated && { truncated: true }),
  };
}

/**
 * The dead letter as a searchable ECS document: `event.kind: pipeline_error`,
 * `error.*` for the reason, the raw text as `message` (cut at 8,192
 * characters; the whole of it stays in `event.original`), and where it came
 * from under `siem.dead_letter`.
 */
export function deadLetterDocument(letter: DeadLetter): EcsEvent {
  const received = Date.parse(letter.received_at);
  const timestamp = Number.isNaN(received) ? letter['@timestamp'] : new Date(received).toISOString();
  const text = letter.raw;
  const deadLetter: Record<string, unknown> = { input: letter.input, stage: letter.error.stage, origin: letter.origin };
  if (letter.raw_base64 !== undefined) deadLetter.raw_base64 = letter.raw_base64;
  const document: EcsEvent = {
    '@timestamp': timestamp,
    message:
      text === undefined
        ? `Undecodable event (not UTF-8): ${letter.error.message}`
        : text.length > MAX_MESSAGE_CHARS
          ? text.slice(0, MAX_MESSAGE_CHARS)
          : text,
    event: { kind: 'pipeline_error', dataset: 'siem.dead_letter', ingested: letter['@timestamp'], reason: letter.error.message },
    error: { code: letter.error.code, message: letter.error.message, type: letter.error.stage, id: letter.error.hash },
    siem: { dead_letter: deadLetter },
  };
  if (text !== undefined) document.event.original = text;
  if (letter.source_address !== undefined) {
    document.log = { source: { address: letter.source_address } };
    document.host = { name: letter.source_address };
  }
  return document;
}
