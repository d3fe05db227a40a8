/**
 * RFC 5424 syslog:
 *   <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]
 * Scanned by index in one pass. Header field lengths and the PRINTUSASCII
 * alphabet are not enforced, since real senders exceed them; a field must
 * still be present and non-empty ("-" when it has no value).
 */
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload, receiptMillis, type ParserContext } from './context';
import { parseError, type ParseErrorCode } from './errors';
import { isForbiddenKey } from './keys';
import { BAD_PRIORITY_MESSAGE, buildSyslogEvent, NO_PRIORITY, parsePriority, priorityEnd, startsWithVersionOne, type SyslogParts } from './syslog-common';
import { chainSyslogBody } from './syslog-chain';
import { parseIsoTimestamp } from './time';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const SYSLOG_RFC5424 = 'syslog_rfc5424';

const TRUNCATED_MESSAGE =
  'The RFC 5424 header ends early: it needs VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID and STRUCTURED-DATA after the priority, separated by single spaces, with "-" for a field that has no value; check whether the line was cut or the sender uses another format.';
const BYTE_ORDER_MARK = 0xfeff;
const NIL = 0x2d;
const SPACE = 0x20;

function failure(code: ParseErrorCode, message: string): ParseResult {
  return { ok: false, error: parseError(code, SYSLOG_RFC5424, message) };
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

/** Parses one decoded RFC 5424 line. */
export function parseRfc5424Line(line: string, record: RawRecord, context: ParserContext): ParseResult {
  let priority = parsePriority(line);
  if (priority < 0) {
    // A file template may write the RFC 5424 header without <PRI>: it then starts with the version.
    if (!startsWithVersionOne(line)) return failure('SIEM_PARSE_BAD_PRIORITY', BAD_PRIORITY_MESSAGE);
    priority = NO_PRIORITY;
  }
  const length = line.length;

  const versionStart = priority === NO_PRIORITY ? 0 : priorityEnd(priority);
  let index = versionStart;
  while (index - versionStart < 3 && isDigit(line.charCodeAt(index))) index++;
  if (index === length && index > versionStart) return failure('SIEM_PARSE_TRUNCATED_HEADER', TRUNCATED_MESSAGE);
  if (index === versionStart || line.charCodeAt(versionStart) === 0x30 || line.charCodeAt(index) !== SPACE) {
    return failure(
      'SIEM_PARSE_BAD_VERSION',
      'Expected the syslog protocol version 1 and a space right after the priority, as RFC 5424 requires; this line looks like RFC 3164 (BSD syslog), so use the syslog_rfc3164, syslog or auto parser for this input.',
    );
  }
  const version = line.slice(versionStart, index);
  if (version !== '1') {
    return failure('SIEM_PARSE_BAD_VERSION', `Syslog protocol version ${version} is not supported, only version 1 (RFC 5424); check the sender's format.`);
  }
  index++;

  const parts: SyslogParts = { priority, timestamp: 0, version };

  let end = line.indexOf(' ', index);
  if (end < 0) return failure('SIEM_PARSE_TRUNCATED_HEADER', TRUNCATED_MESSAGE);
  if (end === index) return emptyField(index);
  if (end - index === 1 && line.charCodeAt(index) === NIL) {
    parts.timestamp = receiptMillis(record, context);
  } else {
    parts.timestamp = parseIsoTimestamp(line, index, end, 'rfc5424', context.zone);
    if (Number.isNaN(parts.timestamp)) {
      return failure(
        'SIEM_PARSE_BAD_TIMESTAMP',
        `The RFC 5424 timestamp ${excerpt(line.slice(index, end))} is not a valid RFC 3339 date-time such as 2003-10-11T22:14:15.003Z (upper-case T, at most 6 fraction digits, Z or an offset like -07:00); fix the sender's time format or have it send "-".`,
      );
    }
  }

  // HOSTNAME, APP-NAME, PROCID, MSGID: each a token or "-", each followed by a space.
  for (let field = 0; field < 4; field++) {
    index = end + 1;
    end = line.indexOf(' ', index);
    if (end < 0) return failure('SIEM_PARSE_TRUNCATED_HEADER', TRUNCATED_MESSAGE);
    if (end === index) return emptyField(index);
    if (end - index === 1 && line.charCodeAt(index) === NIL) continue;
    const value = line.slice(index, end);
    if (field === 0) parts.hostname = value;
    else if (field === 1) parts.appname = value;
    else if (field === 2) parts.procid = value;
    else parts.msgid = value;
  }

  index = end + 1;
  if (index >= length) return failure('SIEM_PARSE_TRUNCATED_HEADER', TRUNCATED_MESSAGE);
  const first = line.charCodeAt(index);
  if (first === NIL) {
    index++;
  } else if (first === 0x5b) {
    const structuredData: Record<string, Record<string, string>> = {};
    const after = parseStructuredData(line, index, structuredData);
    if (after < 0) {
      if (!startsColonPairs(line, index)) return badStructuredData();
      // Check Point's Log Exporter writes its fields where the structured data goes, as [key:"value"; ...], which is no
      // RFC 5424 element: the whole rest is the message, for its body parser (checkpoint) to read.
      parts.message = line.slice(index);
      return { ok: true, event: chainSyslogBody(buildSyslogEvent(line, parts, record, SYSLOG_RFC5424, context), parts.appname, context) };
    }
    index = after;
    parts.structuredData = structuredData;
  } else {
    return badStructuredData();
  }

  if (index < length) {
    if (line.charCodeAt(index) !== SPACE) return badStructuredData();
    // RFC 5424 §6.4: a UTF-8 MSG may start with a BOM, which is not part of the text.
    const messageStart = line.charCodeAt(index + 1) === BYTE_ORDER_MARK ? index + 2 : index + 1;
    if (messageStart < length) parts.message = line.slice(messageStart);
  }
  return { ok: true, event: chainSyslogBody(buildSyslogEvent(line, parts, record, SYSLOG_RFC5424, context), parts.appname, context) };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function emptyField(index: number): ParseResult {
  return failure(
    'SIEM_PARSE_BAD_HEADER',
    `The RFC 5424 header has an empty field at character ${index + 1} (two spaces in a row); a field without a value must be written as "-".`,
  );
}

function badStructuredData(): ParseResult {
  return failure(
    'SIEM_PARSE_BAD_STRUCTURED_DATA',
    'The RFC 5424 structured data is malformed: expected "-" or elements such as [id@32473 name="value"] with no space between elements, with ", \\ and ] escaped by a backslash inside values, followed by a space or the end of the line; check the sender\'s format.',
  );
}

/** SD-NAME: printable US-ASCII except '=', space, ']' and '"'. */
const COLON_PAIR = /\[[A-Za-z_][\w.-]*:"/y;

function startsColonPairs(line: string, index: number): boolean {
  COLON_PAIR.lastIndex = index;
  return COLON_PAIR.test(line);
}

function isSdNameChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x3d && code !== 0x5d && code !== 0x22;
}

/**
 * Reads SD-ELEMENTs starting at the '[' at `start` into `out`. Returns the
 * index after the last element, or -1 when the data is malformed. A repeated
 * SD-ID merges into the first; a repeated PARAM-NAME keeps the last value.
 */
function parseStructuredData(line: string, start: number, out: Record<string, Record<string, string>>): number {
  const length = line.length;
  let index = start;
  while (index < length && line.charCodeAt(index) === 0x5b) {
    index++;
    const idStart = index;
    while (index < length && isSdNameChar(line.charCodeAt(index))) index++;
    if (index === idStart) return -1;
    const id = line.slice(idStart, index);
    const keep = !isForbiddenKey(id);
    const params: Record<string, string> = (keep && Object.hasOwn(out, id) ? out[id] : undefined) ?? {};
    for (;;) {
      const code = line.charCodeAt(index);
      if (code === 0x5d) {
        index++;
        break;
      }
      if (code !== SPACE) return -1;
      index++;
      const nameStart = index;
      while (index < length && isSdNameChar(line.charCodeAt(index))) index++;
      if (index === nameStart || line.charCodeAt(index) !== 0x3d || line.charCodeAt(index + 1) !== 0x22) return -1;
      const name = line.slice(nameStart, index);
      index += 2;
      const valueStart = index;
      let escaped = false;
      while (index < length) {
        const valueCode = line.charCodeAt(index);
        if (valueCode === 0x22) break;
        if (valueCode === 0x5c) {
          escaped = true;
          index += 2;
        } else {
          index++;
        }
      }
      if (index >= length) return -1;
      const value = escaped ? unescapeParamValue(line, valueStart, index) : line.slice(valueStart, index);
      index++;
      if (!isForbiddenKey(name)) params[name] = value;
    }
    if (keep) out[id] = params;
  }
  return index;
}

/** RFC 5424 §6.3.3: only \" \\ and \] are escapes; any other backslash stays as it is. */
function unescapeParamValue(line: string, start: number, end: number): string {
  let result = '';
  let chunkStart = start;
  for (let index = start; index < end; index++) {
    if (line.charCodeAt(index) !== 0x5c) continue;
    const next = line.charCodeAt(index + 1);
    if (next === 0x22 || next === 0x5c || next === 0x5d) {
      result += line.slice(chunkStart, index);
      chunkStart = index + 1;
      index++;
    }
  }
  return result + line.slice(chunkStart, end);
}

export function createRfc5424Parser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  return {
    type: SYSLOG_RFC5424,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, SYSLOG_RFC5424);
      return typeof line === 'string' ? parseRfc5424Line(line, record, context) : { ok: false, error: line };
    },
  };
}

export const syslogRfc5424Parser: ParserDefinition = {
  type: SYSLOG_RFC5424,
  description: 'Syslog per RFC 5424: priority, version 1, RFC 3339 timestamp, header fields, structured data and message.',
  create: createRfc5424Parser,
};
