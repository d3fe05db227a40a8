/**
 * RFC 3164 (BSD) syslog: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[pid]: MSG`, as
 * sent by most devices and by util-linux `logger`. Real senders bend it, so
 * this also accepts an ISO 8601 timestamp in place of the BSD one, a missing
 * HOSTNAME, and an unpadded or zero-padded day. The BSD timestamp has no
 * year and no zone: see parseBsdTimestamp.
 */
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload, receiptMillis, TIMESTAMP_FROM_RECEIPT, type ParserContext } from './context';
import { parseError } from './errors';
import { chainSyslogBody } from './syslog-chain';
import { BAD_PRIORITY_MESSAGE, buildSyslogEvent, NO_PRIORITY, parsePriority, priorityEnd, type SyslogParts } from './syslog-common';
import { parseBsdTimestamp, parseBsdYearTimestamp, parseIsoTimestamp } from './time';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

export const SYSLOG_RFC3164 = 'syslog_rfc3164';

const SPACE = 0x20;
const COLON = 0x3a;

const NO_TAG_MESSAGE =
  'The line has a timestamp but no <PRI> and no program tag ("host prog[pid]: message"), the shape syslog daemons write to files; an application log line such as "2026-11-23 10:00:00 ERROR ..." is not syslog: configure this input with the parser for its format (SIEM_PARSERS).';

const NO_HEADER_MESSAGE =
  'The line starts with neither a syslog priority such as "<34>" nor a timestamp ("Mmm dd hh:mm:ss" or ISO 8601), so it is not syslog; configure this input with the parser for its format (SIEM_PARSERS).';

/** Parses one decoded RFC 3164 line. */
export function parseRfc3164Line(line: string, record: RawRecord, context: ParserContext): ParseResult {
  let priority = parsePriority(line);
  if (priority < 0) {
    // Syslog daemons write their files without <PRI>; such a line must then start with its timestamp.
    if (line.charCodeAt(0) === 0x3c) return { ok: false, error: parseError('SIEM_PARSE_BAD_PRIORITY', SYSLOG_RFC3164, BAD_PRIORITY_MESSAGE) };
    priority = NO_PRIORITY;
  }
  const length = line.length;
  let index = priority === NO_PRIORITY ? 0 : priorityEnd(priority);
  const received = receiptMillis(record, context);
  const parts: SyslogParts = { priority, timestamp: received };

  let timestampEnd = -1;
  const first = line.charCodeAt(index);
  if (first >= 0x30 && first <= 0x39) {
    // `2020-03-24 08:38:44.727732-0700` (macOS, journalctl) has a space between date and time.
    let tokenEnd = line.indexOf(' ', line.charCodeAt(index + 10) === SPACE ? index + 11 : index);
    if (tokenEnd < 0) tokenEnd = length;
    const timestamp = parseIsoTimestamp(line, index, tokenEnd, 'lenient', context.zone);
    if (!Number.isNaN(timestamp)) {
      parts.timestamp = timestamp;
      timestampEnd = tokenEnd;
    }
  } else {
    const timestamp = parseBsdTimestamp(line, index, received, context.zone) ?? parseBsdYearTimestamp(line, index, context.zone);
    if (timestamp !== undefined) {
      parts.timestamp = timestamp.millis;
      timestampEnd = timestamp.end;
    }
  }

  if (timestampEnd < 0) {
    if (priority === NO_PRIORITY) return { ok: false, error: parseError('SIEM_PARSE_BAD_PRIORITY', SYSLOG_RFC3164, NO_HEADER_MESSAGE) };
    // RFC 3164 §4.3.3: without a valid TIMESTAMP, everything after PRI is CONTENT
    // and the receiver supplies the time and host.
    if (index < length) parts.message = line.slice(index);
    const event = buildSyslogEvent(line, parts, record, SYSLOG_RFC3164, context);
    // The body may carry the time the header lacks (Cisco IOS, FortiGate, SonicWall). Tagging before its
    // parser and deleting the tag after turned each such event into a slow dictionary object, so the
    // time is left empty for the body's parser and the tag added only when no time came from the body.
    const receiptTime = event['@timestamp'];
    event['@timestamp'] = '';
    chainSyslogBody(event, parts.appname, context);
    if (event['@timestamp'] === '') {
      event['@timestamp'] = receiptTime;
      const tags = event.tags;
      if (!Array.isArray(tags)) event.tags = [TIMESTAMP_FROM_RECEIPT];
      else if (!tags.includes(TIMESTAMP_FROM_RECEIPT)) tags.unshift(TIMESTAMP_FROM_RECEIPT);
    }
    return { ok: true, event };
  }

  index = timestampEnd;
  while (line.charCodeAt(index) === SPACE) index++;
  if (index < length) {
    // Senders that omit HOSTNAME start straight with the TAG ("su: ..."), so a
    // first word shaped like a TAG is taken as one.
    let contentStart = scanTag(line, index, parts);
    if (contentStart < 0) {
      let hostnameEnd = line.indexOf(' ', index);
      if (hostnameEnd < 0) hostnameEnd = length;
      parts.hostname = line.slice(index, hostnameEnd);
      index = hostnameEnd + 1;
      // Cisco devices with `logging device-id` write "host : %ASA-6-302013: ...".
      if (line.charCodeAt(index) === COLON && line.charCodeAt(index + 1) === SPACE) index += 2;
      contentStart = index < length ? scanTag(line, index, parts) : -1;
    }
    // Without <PRI>, the tag is what tells a daemon-written syslog line from an application's
    // own log line that merely starts with a timestamp (whose level word would become the host).
    if (contentStart < 0 && priority === NO_PRIORITY) return { ok: false, error: parseError('SIEM_PARSE_BAD_PRIORITY', SYSLOG_RFC3164, NO_TAG_MESSAGE) };
    if (contentStart < 0) contentStart = index;
    if (contentStart < length) parts.message = line.slice(contentStart);
  } else if (priority === NO_PRIORITY) {
    return { ok: false, error: parseError('SIEM_PARSE_BAD_PRIORITY', SYSLOG_RFC3164, NO_TAG_MESSAGE) };
  }
  return { ok: true, event: chainSyslogBody(buildSyslogEvent(line, parts, record, SYSLOG_RFC3164, context), parts.appname, context) };
}

/**
 * Reads `TAG:` or `TAG[pid]:` (followed by a space or the end) at `start`.
 * TAG is any run without space, ':' or '[', so "postfix/smtpd" qualifies.
 * On a match, stores APP-NAME and PROCID in `parts` and returns where the
 * content begins; otherwise returns -1 and leaves `parts` alone.
 */
function scanTag(line: string, start: number, parts: SyslogParts): number {
  const length = line.length;
  let index = start;
  while (index < length) {
    const code = line.charCodeAt(index);
    if (code === SPACE || code === COLON || code === 0x5b) break;
    index++;
  }
  const nameEnd = index;
  if (nameEnd === start) return -1;
  let pidStart = -1;
  if (line.charCodeAt(index) === 0x5b) {
    pidStart = index + 1;
    index = pidStart;
    while (index < length) {
      const code = line.charCodeAt(index);
      if (code === 0x5d || code === SPACE) break;
      index++;
    }
    if (line.charCodeAt(index) !== 0x5d) return -1;
    index++;
  }
  if (line.charCodeAt(index) !== COLON) return -1;
  index++;
  if (index < length && line.charCodeAt(index) !== SPACE) return -1;
  parts.appname = line.slice(start, nameEnd);
  if (pidStart >= 0 && index - 2 > pidStart) parts.procid = line.slice(pidStart, index - 2);
  return index + 1;
}

export function createRfc3164Parser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  return {
    type: SYSLOG_RFC3164,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, SYSLOG_RFC3164);
      return typeof line === 'string' ? parseRfc3164Line(line, record, context) : { ok: false, error: line };
    },
  };
}

export const syslogRfc3164Parser: ParserDefinition = {
  type: SYSLOG_RFC3164,
  description:
    'BSD syslog per RFC 3164 and its common variants (ISO 8601 timestamp, missing hostname); the year and zone come from the receive time and the configured timezone.',
  create: createRfc3164Parser,
};
