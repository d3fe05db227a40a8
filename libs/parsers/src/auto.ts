/**
 * Format detection from the first character, for inputs that mix senders:
 * `<` and a digit is syslog (RFC 5424 when `<PRI>1 ` follows, else RFC 3164),
 * and so is a line that starts with a syslog timestamp (files written by
 * rsyslog, syslog-ng, journald: /var/log/auth.log, /var/log/syslog),
 * `{` after optional whitespace is JSON, `CEF:` is CEF and `LEEF:` is LEEF
 * (their syslog-wrapped forms start with `<` and are chained after the syslog
 * header), then the files of web proxies and servers that are not syslog:
 * squid's native access.log (an epoch with milliseconds first) and IIS W3C
 * logs (their `#Fields:`-style directives, and records whose
 * `yyyy-mm-dd hh:mm:ss` time is followed by no syslog tag). Each check is
 * one or two character comparisons on lines of the formats before it, so the
 * common formats pay nothing for the rare ones. Events carry the detected format in
 * `event.dataset`, and errors name the parser that rejected the line.
 */
import type { RawRecord } from '@siem/schema';
import { cefParser } from './cef';
import { createParserContext, decodePayload } from './context';
import { leefParser } from './leef';
import { parseError } from './errors';
import { parseJsonLine } from './json';
import { parseSyslogLine, startsLikeUnprioritisedSyslog } from './syslog';
import { iisParser } from './web/iis';
import { squidParser } from './web/squid';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const AUTO = 'auto';

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Squid's native access.log: an epoch of 9 or 10 digits with milliseconds, then a space (`1796378400.123    150 ...`). */
export function startsLikeSquidAccess(line: string): boolean {
  let index = 0;
  while (isDigit(line.charCodeAt(index))) index++;
  return (
    (index === 9 || index === 10) && line.charCodeAt(index) === 0x2e &&
    isDigit(line.charCodeAt(index + 1)) && isDigit(line.charCodeAt(index + 2)) && isDigit(line.charCodeAt(index + 3)) &&
    line.charCodeAt(index + 4) === 0x20
  );
}

const W3C_DIRECTIVES = ['#Software: ', '#Version: ', '#Date: ', '#Fields: ', '#Start-Date: ', '#End-Date: ', '#Remark: '];

/** The end of the space-separated word starting at `start`. */
function wordEnd(line: string, start: number): number {
  const end = line.indexOf(' ', start);
  return end < 0 ? line.length : end;
}

/**
 * A W3C extended record as IIS writes it: `yyyy-mm-dd hh:mm:ss ` (UTC, no
 * fraction, no zone) and then no syslog tag: a syslog file line with the same
 * time has `prog[pid]:` as its first or second word, an IIS record an address
 * or a method.
 */
export function startsLikeW3cRecord(line: string): boolean {
  if (line.charCodeAt(10) !== 0x20 || line.charCodeAt(13) !== 0x3a || line.charCodeAt(16) !== 0x3a || line.charCodeAt(19) !== 0x20) return false;
  const first = wordEnd(line, 20);
  if (line.charCodeAt(first - 1) === 0x3a) return false;
  const second = wordEnd(line, first + 1);
  return line.charCodeAt(second - 1) !== 0x3a && second < line.length;
}

export function createAutoParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  const bodyFormatConfig = { ...config, options: {} };
  const cef = cefParser.create(bodyFormatConfig);
  const leef = leefParser.create(bodyFormatConfig);
  const squid = squidParser.create(bodyFormatConfig);
  // One IIS parser for the input: it keeps each file's #Fields: list.
  const iis = iisParser.create(bodyFormatConfig);
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
        // Syslog files before web server logs: they are the common case, and the W3C test only runs on their shape.
        if (startsLikeUnprioritisedSyslog(line)) {
          if (!startsLikeW3cRecord(line)) return parseSyslogLine(line, record, context);
          const w3c = iis.parse(record);
          // An application's own line ("2026-12-04 10:00:00 ERROR ...") is neither: the syslog reason says more.
          return w3c.ok ? w3c : parseSyslogLine(line, record, context);
        }
        if (first === 0x23 && W3C_DIRECTIVES.some((directive) => line.startsWith(directive))) return iis.parse(record);
        if (startsLikeSquidAccess(line)) return squid.parse(record);
      }
      return {
        ok: false,
        error: parseError(
          'SIEM_PARSE_UNKNOWN_FORMAT',
          AUTO,
          'The line is neither syslog (starting with "<" and a priority number, or as syslog daemons write files: with a "Mmm dd hh:mm:ss" or ISO 8601 timestamp), a JSON object (starting with "{"), CEF ("CEF:"), LEEF ("LEEF:"), a squid access.log line (an epoch with milliseconds first) nor an IIS W3C line (a "#Fields:"-style directive, or a record starting "yyyy-mm-dd hh:mm:ss"); configure this input with the parser for its format (SIEM_PARSERS).',
        ),
      };
    },
  };
}

export const autoParser: ParserDefinition = {
  type: AUTO,
  description:
    'Detects the format per line: syslog (RFC 5424 or RFC 3164) when it starts with "<digit" or, without PRI, with a BSD or ISO 8601 timestamp; JSON when it starts with "{", CEF at "CEF:", LEEF at "LEEF:"; squid access.log lines by their epoch with milliseconds; IIS W3C directives and records (per file #Fields:).',
  create: createAutoParser,
};
