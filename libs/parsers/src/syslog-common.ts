/** The parts RFC 3164 and RFC 5424 share: the PRI field and the event they produce. */
import type { EcsEvent, RawRecord, SyslogFields } from '@siem/schema';
import { eventFields, type ParserContext } from './context';
import { formatIsoTimestamp } from './time';
import { parseCount } from './field-path';

/** RFC 5424 table 1, facility codes 0–23. */
export const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
] as const;

/** RFC 5424 table 2, severity codes 0–7. */
export const SEVERITY_NAMES = [
  'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug',
] as const;

export const MAX_PRIORITY = 191;

export const BAD_PRIORITY_MESSAGE =
  'The line does not start with a valid syslog priority: expected "<" then 0 to 191 without leading zeros then ">", as in "<34>"; check that the sender speaks syslog and that the input is configured with the right format.';

/**
 * Reads `<PRIVAL>` at the start of the line. Returns the value, or -1 when it
 * is missing, not 1–3 digits, above 191, has a leading zero (RFC 5424
 * §6.2.1) or lacks the closing `>`.
 */
export function parsePriority(line: string): number {
  if (line.charCodeAt(0) !== 0x3c) return -1;
  let value = 0;
  let index = 1;
  for (; index <= 3; index++) {
    const digit = line.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    if (index === 2 && value === 0) return -1;
    value = value * 10 + digit;
  }
  if (index === 1 || line.charCodeAt(index) !== 0x3e || value > MAX_PRIORITY) return -1;
  return value;
}

/** True when the line is an RFC 5424 header without `<PRI>`: `1 ` then a timestamp or `-`. */
export function startsWithVersionOne(line: string): boolean {
  if (line.charCodeAt(0) !== 0x31 || line.charCodeAt(1) !== 0x20) return false;
  const next = line.charCodeAt(2);
  return next === 0x2d || (next >= 0x30 && next <= 0x39);
}

/** Index just after `<PRIVAL>`; without leading zeros the length follows from the value. */
export function priorityEnd(priority: number): number {
  return priority < 10 ? 3 : priority < 100 ? 4 : 5;
}

/** Numeric process id, or undefined when the text is not 1–10 digits. */
export function parsePid(text: string): number | undefined {
  return text.length > 10 ? undefined : parseCount(text);
}

/** `SyslogParts.priority` of a line written without `<PRI>` (syslog daemons' files): no facility or severity is claimed. */
export const NO_PRIORITY = -1;

export interface SyslogParts {
  /** 0–191, or NO_PRIORITY. */
  priority: number;
  /** UTC epoch millis. */
  timestamp: number;
  version?: string;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structuredData?: Record<string, Record<string, string>>;
  message?: string;
}

export function buildSyslogEvent(
  line: string,
  parts: SyslogParts,
  record: RawRecord,
  dataset: string,
  context: ParserContext,
): EcsEvent {
  let syslog: SyslogFields;
  let level: string | undefined;
  if (parts.priority === NO_PRIORITY) {
    syslog = {};
  } else {
    const facilityCode = parts.priority >> 3;
    const severityCode = parts.priority & 7;
    level = SEVERITY_NAMES[severityCode] ?? 'debug';
    syslog = {
      priority: parts.priority,
      facility: { code: facilityCode, name: FACILITY_NAMES[facilityCode] ?? 'local7' },
      severity: { code: severityCode, name: level },
    };
  }
  if (parts.version !== undefined) syslog.version = parts.version;
  if (parts.hostname !== undefined) syslog.hostname = parts.hostname;
  if (parts.appname !== undefined) syslog.appname = parts.appname;
  if (parts.procid !== undefined) syslog.procid = parts.procid;
  if (parts.msgid !== undefined) syslog.msgid = parts.msgid;
  if (parts.structuredData !== undefined) syslog.structured_data = parts.structuredData;

  const sourceAddress = record.sourceAddress;
  const log: NonNullable<EcsEvent['log']> = sourceAddress === undefined ? { syslog } : { source: { address: sourceAddress }, syslog };
  if (level !== undefined) log.level = level;
  const event: EcsEvent = {
    '@timestamp': formatIsoTimestamp(parts.timestamp),
    event: eventFields(line, dataset, context),
    log,
  };
  if (parts.message !== undefined) event.message = parts.message;
  // host.hostname, as Elastic's system integration sets it, only from the line itself; the sender's address stands in for host.name alone.
  const hostname = parts.hostname;
  if (hostname !== undefined) event.host = { name: hostname, hostname };
  else if (sourceAddress !== undefined) event.host = { name: sourceAddress };
  if (parts.appname !== undefined) {
    const pid = parts.procid === undefined ? undefined : parsePid(parts.procid);
    event.process = pid === undefined ? { name: parts.appname } : { name: parts.appname, pid };
  } else if (parts.procid !== undefined) {
    const pid = parsePid(parts.procid);
    if (pid !== undefined) event.process = { pid };
  }
  return event;
}
