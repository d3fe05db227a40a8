/**
 * Parse errors are values, not exceptions: a bad line must become a dead
 * letter with a reason, never an exception that kills a worker. Only
 * start-up mistakes (unknown parser type, bad configuration) are thrown.
 */

export const PARSE_ERROR_CODES = [
  'SIEM_PARSE_EMPTY',
  'SIEM_PARSE_TOO_LARGE',
  'SIEM_PARSE_INVALID_UTF8',
  'SIEM_PARSE_BAD_PRIORITY',
  'SIEM_PARSE_BAD_VERSION',
  'SIEM_PARSE_TRUNCATED_HEADER',
  'SIEM_PARSE_BAD_HEADER',
  'SIEM_PARSE_BAD_TIMESTAMP',
  'SIEM_PARSE_BAD_STRUCTURED_DATA',
  'SIEM_PARSE_INVALID_JSON',
  'SIEM_PARSE_NOT_AN_OBJECT',
  'SIEM_PARSE_TOO_DEEP',
  'SIEM_PARSE_UNKNOWN_FORMAT',
  'SIEM_PARSE_NO_MATCH',
  'SIEM_PARSE_BAD_CEF_HEADER',
  'SIEM_PARSE_BAD_LEEF_HEADER',
  'SIEM_PARSE_ACCESS_LOG_MISMATCH',
  'SIEM_PARSE_AUDIT_BAD_HEADER',
  'SIEM_PARSE_CLOUDTRAIL_RECORDS',
  'SIEM_PARSE_GROK_INPUT_TOO_LONG',
  'SIEM_PARSE_GROK_BAD_VALUE',
  'SIEM_PARSE_VENDOR_MISMATCH',
  'SIEM_PARSE_BAD_EVENT_XML',
] as const;

export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

export interface ParseError {
  readonly code: ParseErrorCode;
  /** A sentence saying what is wrong with the line and what to do about it. */
  readonly message: string;
  /** The parser type that rejected the line, e.g. `syslog_rfc5424`. */
  readonly parser: string;
  /** The same bytes fail the same way again: always dead-letter, never retry. */
  readonly retryable: false;
}

export function parseError(code: ParseErrorCode, parser: string, message: string): ParseError {
  return { code, message, parser, retryable: false };
}

export const PARSER_SETUP_ERROR_CODES = [
  'SIEM_PARSE_UNKNOWN_PARSER',
  'SIEM_PARSE_DUPLICATE_PARSER',
  'SIEM_PARSE_INVALID_CONFIG',
  'SIEM_PARSE_GROK_UNKNOWN_PATTERN',
  'SIEM_PARSE_GROK_INVALID_REGEX',
  'SIEM_PARSE_GROK_UNSAFE_PATTERN',
] as const;

export type ParserSetupErrorCode = (typeof PARSER_SETUP_ERROR_CODES)[number];

/** Thrown at start only: a parser cannot be created as configured. */
export class ParserSetupError extends Error {
  readonly code: ParserSetupErrorCode;
  readonly retryable = false;

  constructor(code: ParserSetupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParserSetupError';
    this.code = code;
  }
}
