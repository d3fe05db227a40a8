/**
 * Format detection from the first character, for inputs that mix senders:
 * `<` and a digit is syslog (RFC 5424 when `<PRI>1 ` follows, else RFC 3164),
 * and so is a line that starts with a syslog timestamp (files written by
 * rsyslog, syslog-ng, journald: /var/log/auth.log, /var/log/syslog),
 * `{` after optional whitespace is JSON, `CEF:` is CEF and `LEEF:` is LEEF
 * (their syslog-wrapped forms start with `<` and are chained after the syslog
 * header). Events carry the detected format in
 * `event.dataset`, and errors name the parser that rejected the line.
 */
import type { RawRecord } from '@siem/schema';
import { cefParser } from './cef';
import { createParserContext, decodePayload } from './context';
import { leefParser } from './leef';
import { parseError } from './errors';
import { parseJsonLine } from './json';
import { parseSyslogLine, startsLikeUnprioritisedSyslog } from './syslog';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const AUTO = 'auto';

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

export function createAutoParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  const bodyFormatConfig = { ...config, options: {} };
  const cef = cefParser.create(bodyFormatConfig);
  const leef = leefParser.create(bodyFormatConfig);
  return {
    type: AUTO,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, AUTO);
      if (typeof line !== 'string') return { ok: false, error: line };
      const first = line.charCodeAt(0);
      if (first === 0x3c) {
        const second = line.charCodeAt(1);
        if (second >= 0x30 && second <= 0x39) return parseSyslogLine(line, record, context);
      } else {
        let index = 0;
        while (isJsonWhitespace(line.charCodeAt(index))) index++;
        if (line.charCodeAt(index) === 0x7b) return parseJsonLine(line, record, context);
        if (line.startsWith('CEF:')) return cef.parse(record);
        if (line.startsWith('LEEF:')) return leef.parse(record);
        if (startsLikeUnprioritisedSyslog(line)) return parseSyslogLine(line, record, context);
      }
      return {
        ok: false,
        error: parseError(
          'SIEM_PARSE_UNKNOWN_FORMAT',
          AUTO,
          'The line is neither syslog (starting with "<" and a priority number, or as syslog daemons write files: with a "Mmm dd hh:mm:ss" or ISO 8601 timestamp), a JSON object (starting with "{"), CEF ("CEF:") nor LEEF ("LEEF:"); configure this input with the parser for its format (SIEM_PARSERS).',
        ),
      };
    },
  };
}

export const autoParser: ParserDefinition = {
  type: AUTO,
  description:
    'Detects the format per line: syslog (RFC 5424 or RFC 3164) when it starts with "<digit" or, without PRI, with a BSD or ISO 8601 timestamp; JSON when it starts with "{", CEF at "CEF:", LEEF at "LEEF:".',
  create: createAutoParser,
};
