/**
 * What every parser does before and after its own grammar: resolve the
 * configuration once, check and decode the payload, and fill the fields that
 * do not depend on the format.
 */
import { TextDecoder } from 'node:util';
import type { EcsEvent, RawRecord } from '@siem/schema';
import { resolveParserConfig } from './config';
import { parseError, type ParseError } from './errors';
import { formatIsoTimestamp, TimeZone } from './time';
import type { ParserConfig } from './types';

/** Tag of an event stamped with its receive (or header) time because the line's own time could not be read. */
export const TIMESTAMP_FROM_RECEIPT = '_timestamp_from_receipt';

export class ParserContext {
  readonly config: Readonly<ParserConfig>;
  readonly decoder = new TextDecoder('utf-8', { fatal: true });
  readonly zone: TimeZone;
  readonly now: () => Date;
  // Without an injected clock, Date.now spares a Date allocation on every event.
  readonly #nowMillis: () => number;
  #ingestedMillis = Number.NaN;
  #ingestedText = '';
  #receivedAt: string | undefined;
  #receiptText = '';
  #parsedReceivedAt: string | undefined;
  #parsedReceipt = Number.NaN;

  constructor(config: Readonly<ParserConfig>) {
    this.config = config;
    this.zone = new TimeZone(config.timezone);
    const injected = config.now;
    this.now = injected ?? (() => new Date());
    this.#nowMillis = injected === undefined ? Date.now : () => injected().getTime();
  }

  /** The current time as ISO 8601; consecutive events in the same millisecond share one string. */
  ingestedTimestamp(): string {
    const millis = this.#nowMillis();
    if (millis !== this.#ingestedMillis) {
      this.#ingestedMillis = millis;
      this.#ingestedText = formatIsoTimestamp(millis);
    }
    return this.#ingestedText;
  }

  /**
   * `receiptMillis` as ISO 8601. The records of one batch mostly carry the same
   * receive stamp, so the last usable one is remembered with its text.
   */
  receiptTimestamp(record: RawRecord): string {
    const receivedAt = record.receivedAt;
    if (receivedAt === this.#receivedAt && this.#receivedAt !== undefined) return this.#receiptText;
    const received = Date.parse(receivedAt);
    if (Number.isNaN(received)) return formatIsoTimestamp(this.#nowMillis());
    this.#receivedAt = receivedAt;
    this.#receiptText = formatIsoTimestamp(received);
    return this.#receiptText;
  }

  /** Date.parse of the receive stamp, remembered for the next record, which mostly carries the same one; NaN when unusable. */
  parsedReceipt(receivedAt: string): number {
    if (receivedAt !== this.#parsedReceivedAt) {
      this.#parsedReceivedAt = receivedAt;
      this.#parsedReceipt = Date.parse(receivedAt);
    }
    return this.#parsedReceipt;
  }
}

export function createParserContext(config?: Partial<ParserConfig>): ParserContext {
  return new ParserContext(resolveParserConfig(config));
}

function isAsciiWhitespace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * Checks the payload and decodes it to the line the grammars read: one
 * trailing `\n` or `\r\n` removed. The size is checked before anything else
 * touches the bytes, so an oversized payload costs nothing to reject.
 */
export function decodePayload(record: RawRecord, context: ParserContext, parser: string): string | ParseError {
  const payload: unknown = record?.payload;
  if (!(payload instanceof Uint8Array) || payload.length === 0) {
    return parseError('SIEM_PARSE_EMPTY', parser, 'The record has no payload; the sender sent an empty line or frame, which can be dropped.');
  }
  const maxBytes = context.config.maxMessageBytes;
  if (payload.length > maxBytes) {
    return parseError(
      'SIEM_PARSE_TOO_LARGE',
      parser,
      `The payload is ${payload.length} bytes, more than the ${maxBytes} allowed; raise maxMessageBytes or check that the collector splits lines correctly.`,
    );
  }
  let end = payload.length;
  if (payload[end - 1] === 0x0a) {
    end--;
    if (end > 0 && payload[end - 1] === 0x0d) end--;
  }
  let start = 0;
  while (start < end && isAsciiWhitespace(payload[start] ?? 0)) start++;
  if (start === end) {
    return parseError('SIEM_PARSE_EMPTY', parser, 'The payload holds only whitespace; the sender sent a blank line, which can be dropped.');
  }
  try {
    return context.decoder.decode(end === payload.length ? payload : payload.subarray(0, end));
  } catch {
    return parseError(
      'SIEM_PARSE_INVALID_UTF8',
      parser,
      'The payload is not valid UTF-8; configure the sender to send UTF-8 (for example rsyslog with a UTF-8 locale), or use an input that accepts binary data.',
    );
  }
}

/** When the collector received the record, or now if that stamp is unusable. */
export function receiptMillis(record: RawRecord, context: ParserContext): number {
  const received = context.parsedReceipt(record.receivedAt);
  return Number.isNaN(received) ? context.now().getTime() : received;
}

/** The `event` fields every parser sets. */
export function eventFields(line: string, dataset: string, context: ParserContext): EcsEvent['event'] {
  const ingested = context.ingestedTimestamp();
  return context.config.keepOriginal ? { original: line, ingested, dataset } : { ingested, dataset };
}
