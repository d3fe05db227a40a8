/**
 * The batch envelope: several raw records from one source and input in one
 * bus message. kafkajs encodes every message and its headers in JavaScript
 * (25–45 µs of CPU each), which capped the collector far below syslog-ng;
 * one message per batch pays that once for hundreds of lines.
 *
 * The message carries the header `siem.envelope: 1`, the key and the headers
 * the records share (input, MQTT topic, file path, target index, tenant), and as its
 * value: a big-endian u32 record count, then per record
 *
 *   u8 flags                     1 = truncated, 2 = receivedAt follows, 4 = eventId follows
 *   [u8 length, ASCII]           receivedAt, when it differs from the previous record's
 *   [u8 length, ASCII]           eventId
 *   u32 length, bytes            the payload, untouched
 *
 * A message without the header is one record (third-party producers, or the
 * collector with SIEM_BATCH_ENVELOPE=false).
 */
import { RAW_HEADERS, type RawRecord } from '@siem/schema';
import { BusError, BusErrorCodes } from './errors';
import { decodeRawRecord } from './raw-record-codec';
import type { BusRecord, ConsumedMessage } from './types';

export const ENVELOPE_HEADER = 'siem.envelope';
const ENVELOPE_VERSION = '1';

/** Payload bytes per envelope before a new one starts; well under Kafka's default 1 MiB message limit. */
export const ENVELOPE_MAX_PAYLOAD_BYTES = 256 * 1024;

const TRUNCATED = 1;
const HAS_RECEIVED_AT = 2;
const HAS_EVENT_ID = 4;
const KNOWN_FLAGS = TRUNCATED | HAS_RECEIVED_AT | HAS_EVENT_ID;
const MAX_SHORT_FIELD = 255;

interface Group {
  readonly first: RawRecord;
  records: RawRecord[];
  payloadBytes: number;
}

const groupKey = (record: RawRecord): string =>
  `${record.input}\u0000${record.sourceAddress ?? '\u0001'}\u0000${record.mqttTopic ?? '\u0001'}\u0000${record.filePath ?? '\u0001'}\u0000${record.targetIndex ?? '\u0001'}\u0000${record.tenant ?? '\u0001'}`;

const sameGroup = (a: RawRecord, b: RawRecord): boolean =>
  a.input === b.input && a.sourceAddress === b.sourceAddress && a.mqttTopic === b.mqttTopic && a.filePath === b.filePath && a.targetIndex === b.targetIndex && a.tenant === b.tenant;

/**
 * Packs records into envelopes, one per run of records sharing source, input
 * and receipt metadata, each at most ENVELOPE_MAX_PAYLOAD_BYTES of payload (a
 * larger record travels alone). Records of one group keep their order, which
 * is all the bus orders anyway: records with different keys may land on
 * different partitions.
 */
export function packRawRecords(records: readonly RawRecord[]): BusRecord[] {
  const packed: BusRecord[] = [];
  const open = new Map<string, Group>();
  let previous: RawRecord | undefined;
  let group: Group | undefined;
  for (const record of records) {
    // Lines of one connection arrive together: skip the key for a record like the one before.
    if (!previous || !sameGroup(previous, record)) group = open.get(groupKey(record));
    previous = record;
    if (group && group.payloadBytes + record.payload.length > ENVELOPE_MAX_PAYLOAD_BYTES) {
      packed.push(encodeEnvelope(group));
      group = undefined;
    }
    if (!group) {
      group = { first: record, records: [], payloadBytes: 0 };
      open.set(groupKey(record), group);
    }
    group.records.push(record);
    group.payloadBytes += record.payload.length;
  }
  for (const remaining of open.values()) packed.push(encodeEnvelope(remaining));
  return packed;
}

function checkAscii(name: string, value: string): number {
  const length = Buffer.byteLength(value, 'latin1');
  if (length > MAX_SHORT_FIELD || !/^[\x20-\x7e]*$/.test(value)) {
    throw new BusError(BusErrorCodes.envelopeInvalid, `The record's ${name} ${JSON.stringify(value.slice(0, 64))} is not printable ASCII of at most ${MAX_SHORT_FIELD} bytes and cannot go in a batch envelope.`, { retryable: false });
  }
  return length;
}

function encodeEnvelope(group: Group): BusRecord {
  let size = 4;
  let previousReceivedAt: string | undefined;
  for (const record of group.records) {
    size += 1 + 4 + record.payload.length;
    if (record.receivedAt !== previousReceivedAt) size += 1 + checkAscii('receive time', record.receivedAt);
    if (record.eventId !== undefined) size += 1 + checkAscii('event id', record.eventId);
    previousReceivedAt = record.receivedAt;
  }
  const value = Buffer.allocUnsafe(size);
  let at = value.writeUInt32BE(group.records.length, 0);
  previousReceivedAt = undefined;
  for (const record of group.records) {
    const newTime = record.receivedAt !== previousReceivedAt;
    previousReceivedAt = record.receivedAt;
    at = value.writeUInt8((record.truncated ? TRUNCATED : 0) | (newTime ? HAS_RECEIVED_AT : 0) | (record.eventId !== undefined ? HAS_EVENT_ID : 0), at);
    if (newTime) at = writeShortField(value, at, record.receivedAt);
    if (record.eventId !== undefined) at = writeShortField(value, at, record.eventId);
    at = value.writeUInt32BE(record.payload.length, at);
    at += record.payload.copy(value, at);
  }
  const { first } = group;
  const headers: Record<string, string> = { [ENVELOPE_HEADER]: ENVELOPE_VERSION, [RAW_HEADERS.input]: first.input };
  if (first.mqttTopic !== undefined) headers[RAW_HEADERS.mqttTopic] = first.mqttTopic;
  if (first.filePath !== undefined) headers[RAW_HEADERS.filePath] = first.filePath;
  if (first.targetIndex !== undefined) headers[RAW_HEADERS.targetIndex] = first.targetIndex;
  if (first.tenant !== undefined) headers[RAW_HEADERS.tenant] = first.tenant;
  return { ...(first.sourceAddress !== undefined && { key: first.sourceAddress }), value, headers };
}

function writeShortField(value: Buffer, at: number, text: string): number {
  const next = value.writeUInt8(text.length, at);
  return next + value.write(text, next, 'latin1');
}

export function isEnvelope(message: Pick<BusRecord, 'headers'>): boolean {
  return message.headers?.[ENVELOPE_HEADER] !== undefined;
}

/** How many raw records a bus message carries: the envelope's count, or one. */
export function rawRecordCount(message: Pick<BusRecord, 'headers' | 'value'>): number {
  if (!isEnvelope(message)) return 1;
  return message.value.length >= 4 ? message.value.readUInt32BE(0) : 0;
}

function invalid(message: Omit<ConsumedMessage, 'incarnation'>, what: string): BusError {
  return new BusError(
    BusErrorCodes.envelopeInvalid,
    `The batch envelope at ${message.topic}/${message.partition}@${message.offset} is invalid: ${what}. Only the collector should set the ${ENVELOPE_HEADER} header; send single records without it.`,
    { retryable: false },
  );
}

/**
 * The raw records of a consumed message: every record of an envelope, or the
 * message itself. Throws SIEM_BUS_ENVELOPE_INVALID when an envelope does not
 * decode whole; the caller dead-letters the message as it is.
 */
export function unpackRawRecords(message: Omit<ConsumedMessage, 'incarnation'>, fallbackReceivedAt: string): RawRecord[] {
  if (!isEnvelope(message)) return [decodeRawRecord(message, fallbackReceivedAt)];
  const version = message.headers[ENVELOPE_HEADER];
  if (version !== ENVELOPE_VERSION) throw invalid(message, `version ${JSON.stringify(version)} is not ${ENVELOPE_VERSION}`);
  const value = message.value;
  if (value.length < 4) throw invalid(message, 'shorter than its record count');
  const count = value.readUInt32BE(0);
  const shared = decodeRawRecord({ ...message, value: Buffer.alloc(0) }, fallbackReceivedAt);
  const records: RawRecord[] = [];
  let at = 4;
  let receivedAt: string | undefined;
  const need = (bytes: number, what: string): void => {
    if (at + bytes > value.length) throw invalid(message, `record ${records.length + 1} of ${count} is cut short in its ${what}`);
  };
  const shortField = (what: string): string => {
    need(1, what);
    const length = value[at]!;
    need(1 + length, what);
    const text = value.toString('latin1', at + 1, at + 1 + length);
    at += 1 + length;
    return text;
  };
  while (records.length < count) {
    need(1, 'flags');
    const flags = value[at++]!;
    if ((flags & ~KNOWN_FLAGS) !== 0) throw invalid(message, `record ${records.length + 1} has unknown flags ${flags}`);
    if (flags & HAS_RECEIVED_AT) receivedAt = shortField('receive time');
    if (receivedAt === undefined) throw invalid(message, 'its first record has no receive time');
    const eventId = flags & HAS_EVENT_ID ? shortField('event id') : undefined;
    need(4, 'payload length');
    const length = value.readUInt32BE(at);
    at += 4;
    need(length, 'payload');
    const payload = value.subarray(at, at + length);
    at += length;
    records.push({
      ...shared,
      payload,
      receivedAt,
      ...(eventId !== undefined && { eventId }),
      ...((flags & TRUNCATED) !== 0 && { truncated: true }),
    });
  }
  if (at !== value.length) throw invalid(message, `${value.length - at} bytes follow its ${count} records`);
  return records;
}
