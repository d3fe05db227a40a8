import { RAW_HEADERS, type RawRecord } from '@siem/schema';
import type { BusRecord, ConsumedMessage } from './types';

/**
 * The payload travels untouched as the message value; metadata goes in headers,
 * and the sending host is the key. The key already carries the source address,
 * so no header repeats it: each header costs the producer about 10 µs per record.
 */
export function encodeRawRecord(record: RawRecord): BusRecord {
  const headers: Record<string, string> = {
    [RAW_HEADERS.receivedAt]: record.receivedAt,
    [RAW_HEADERS.input]: record.input,
  };
  if (record.eventId !== undefined) headers[RAW_HEADERS.eventId] = record.eventId;
  if (record.mqttTopic !== undefined) headers[RAW_HEADERS.mqttTopic] = record.mqttTopic;
  if (record.filePath !== undefined) headers[RAW_HEADERS.filePath] = record.filePath;
  if (record.truncated) headers[RAW_HEADERS.truncated] = '1';
  if (record.targetIndex !== undefined) headers[RAW_HEADERS.targetIndex] = record.targetIndex;
  if (record.tenant !== undefined) headers[RAW_HEADERS.tenant] = record.tenant;
  return { key: record.sourceAddress, value: record.payload, headers };
}

/**
 * Rebuilds a RawRecord from a consumed message. A message produced by a third
 * party without our headers (kcat, rsyslog omkafka) is still a valid record:
 * its receive time falls back to the broker timestamp or now.
 */
export function decodeRawRecord(message: Omit<ConsumedMessage, 'incarnation'>, fallbackReceivedAt: string): RawRecord {
  const headers = message.headers;
  const record: RawRecord = {
    payload: message.value,
    receivedAt: headers[RAW_HEADERS.receivedAt] ?? fallbackReceivedAt,
    sourceAddress: headers[RAW_HEADERS.sourceAddress] ?? message.key,
    input: headers[RAW_HEADERS.input] ?? 'kafka',
  };
  const eventId = headers[RAW_HEADERS.eventId];
  const mqttTopic = headers[RAW_HEADERS.mqttTopic];
  const filePath = headers[RAW_HEADERS.filePath];
  const truncated = headers[RAW_HEADERS.truncated] === '1';
  const targetIndex = headers[RAW_HEADERS.targetIndex];
  const tenant = headers[RAW_HEADERS.tenant];
  if (eventId === undefined && mqttTopic === undefined && filePath === undefined && !truncated && targetIndex === undefined && tenant === undefined) return record;
  return {
    ...record,
    ...(eventId !== undefined && { eventId }),
    ...(mqttTopic !== undefined && { mqttTopic }),
    ...(filePath !== undefined && { filePath }),
    ...(truncated && { truncated }),
    ...(targetIndex !== undefined && { targetIndex }),
    ...(tenant !== undefined && { tenant }),
  };
}
