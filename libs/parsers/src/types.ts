import type { TObject } from '@sinclair/typebox';
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
  /**
   * Options of the parser type itself (grok patterns, a key=value separator, ...).
   * Each definition declares them in `optionsSchema` and rejects anything else at start.
   */
  options: Readonly<Record<string, unknown>>;
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
  /** JSON Schema of `ParserConfig.options` for this type; none means the type takes no options. */
  readonly optionsSchema?: TObject;
  /** Validates the configuration (throws `ParserSetupError` at start) and returns a runtime. */
  create(config?: Partial<ParserConfig>): Parser;
}
