/** Syslog of either RFC, told apart by the version digit RFC 5424 puts after the priority. */
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload, type ParserContext } from './context';
import { startsWithVersionOne } from './syslog-common';
import { monthAt } from './web-time';
import { parseRfc3164Line } from './syslog-rfc3164';
import { parseRfc5424Line } from './syslog-rfc5424';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const SYSLOG = 'syslog';

/**
 * True when the line starts `<digits>1 `, the shape of an RFC 5424 header
 * (or `1 ` and a timestamp, the same header written to a file without PRI);
 * RFC 3164 has a timestamp there. The priority value is not checked here, so
 * a bad one is reported by the RFC 5424 parser.
 */
export function isRfc5424(line: string): boolean {
  if (line.charCodeAt(0) !== 0x3c) return startsWithVersionOne(line);
  let index = 1;
  while (index <= 3) {
    const code = line.charCodeAt(index);
    if (!(code >= 0x30 && code <= 0x39)) break;
    index++;
  }
  return (
    index > 1 &&
    line.charCodeAt(index) === 0x3e &&
    line.charCodeAt(index + 1) === 0x31 &&
    line.charCodeAt(index + 2) === 0x20
  );
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * A line as syslog daemons write it to a file: `Mmm dd ` (BSD), `yyyy-mm-ddT`
 * or `yyyy-mm-dd ` (ISO 8601), or `1 ` and a timestamp (RFC 5424 without PRI).
 * Only the shape is checked; the syslog parser reads the rest.
 */
export function startsLikeUnprioritisedSyslog(line: string): boolean {
  const first = line.charCodeAt(0);
  if (!isDigit(first)) return monthAt(line, 0) !== 0 && line.charCodeAt(3) === 0x20;
  if (startsWithVersionOne(line)) return true;
  const separator = line.charCodeAt(10);
  return (
    isDigit(line.charCodeAt(1)) && isDigit(line.charCodeAt(2)) && isDigit(line.charCodeAt(3)) &&
    line.charCodeAt(4) === 0x2d && line.charCodeAt(7) === 0x2d && isDigit(line.charCodeAt(5)) && isDigit(line.charCodeAt(9)) &&
    (separator === 0x54 || separator === 0x20)
  );
}

/** Parses one decoded syslog line of either RFC; errors name the RFC parser that rejected it. */
export function parseSyslogLine(line: string, record: RawRecord, context: ParserContext): ParseResult {
  return isRfc5424(line) ? parseRfc5424Line(line, record, context) : parseRfc3164Line(line, record, context);
}

export function createSyslogParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  return {
    type: SYSLOG,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, SYSLOG);
      return typeof line === 'string' ? parseSyslogLine(line, record, context) : { ok: false, error: line };
    },
  };
}

export const syslogParser: ParserDefinition = {
  type: SYSLOG,
  description:
    'Syslog of either RFC, with or without <PRI> (files written by rsyslog, syslog-ng and journald): RFC 5424 when the priority (if any) is followed by version "1 ", otherwise RFC 3164 with a BSD or ISO 8601 timestamp.',
  create: createSyslogParser,
};
