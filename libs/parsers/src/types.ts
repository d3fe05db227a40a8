import type { EcsEvent, RawRecord } from '@siem/schema';
import type { ParseError } from './errors';

export type ParseResult = { ok: true; event: EcsEvent } | { ok: false; error: ParseError };

export interface ParserConfig {
  /** Payloads longer than this many bytes are rejected before decoding. */
  maxMessageBytes: number;
  /** IANA zone for timestamps that carry no offset (RFC 3164, zone-less ISO 8601). */
  timezone: string;
  /** Copy the decoded line into `event.original`. */
  keepOriginal: boolean;
  /** Clock for `event.ingested` and for records whose receive time is unusable; tests inject one. */
  now?: () => Date;
}

/** A parser runtime. `parse` is synchronous and never throws. */
export interface Parser {
  readonly type: string;
  parse(record: RawRecord): ParseResult;
}

/** A parser declared as data; the registry turns it into a runtime at start. */
export interface ParserDefinition {
  readonly type: string;
  readonly description: string;
  /** Validates the configuration (throws `ParserSetupError` at start) and returns a runtime. */
  create(config?: Partial<ParserConfig>): Parser;
}
