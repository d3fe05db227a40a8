/**
 * The prefix syslog daemons write before each message in local files such as
 * /var/log/auth.log and /var/log/kern.log: `Mar  3 10:01:02 host sshd[123]: `
 * (traditional) or `2026-03-03T10:01:02.123456+00:00 host sshd[123]: `
 * (rsyslog's and syslog-ng's high-precision file formats). Body formats read
 * from such files use it to find their body and the program that wrote it.
 */
import type { EcsFields } from './body-format';
import type { ParserContext } from './context';
import { parsePid } from './syslog-common';
import { parseBsdTimestamp, parseIsoTimestamp } from './time';
import { monthAt } from './web-time';

export interface LogFilePrefix {
  readonly millis: number;
  readonly hostname: string;
  readonly program: string;
  readonly pid?: number;
  /** Where the message starts. */
  readonly bodyStart: number;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Reads the prefix, or returns undefined when the line does not start with one. */
export function parseLogFilePrefix(line: string, context: ParserContext): LogFilePrefix | undefined {
  let millis: number;
  let index: number;
  if (isDigit(line.charCodeAt(0))) {
    const space = line.indexOf(' ');
    if (space < 19) return undefined;
    millis = parseIsoTimestamp(line, 0, space, 'lenient', context.zone);
    index = space;
  } else {
    // Checked before asking the clock, which most bodies (that have no prefix) would otherwise pay for.
    if (monthAt(line, 0) === 0) return undefined;
    const timestamp = parseBsdTimestamp(line, 0, context.now().getTime(), context.zone);
    if (timestamp === undefined) return undefined;
    millis = timestamp.millis;
    index = timestamp.end;
  }
  if (Number.isNaN(millis) || line.charCodeAt(index) !== 0x20) return undefined;
  while (line.charCodeAt(index) === 0x20) index++;
  const hostEnd = line.indexOf(' ', index);
  if (hostEnd <= index) return undefined;
  const hostname = line.slice(index, hostEnd);
  const tagStart = hostEnd + 1;
  const colon = line.indexOf(': ', tagStart);
  const tagEnd = colon < 0 && line.endsWith(':') ? line.length - 1 : colon;
  if (tagEnd <= tagStart) return undefined;
  let program = line.slice(tagStart, tagEnd);
  let pid: number | undefined;
  const bracket = program.indexOf('[');
  if (bracket > 0 && program.endsWith(']')) {
    pid = parsePid(program.slice(bracket + 1, -1));
    program = program.slice(0, bracket);
  }
  if (program.includes(' ')) return undefined;
  const bodyStart = Math.min(tagEnd + 2, line.length);
  return pid === undefined ? { millis, hostname, program, bodyStart } : { millis, hostname, program, pid, bodyStart };
}

/** The fields the prefix gives an event. */
export function prefixFields(prefix: LogFilePrefix): EcsFields {
  const process: Record<string, unknown> = { name: prefix.program };
  if (prefix.pid !== undefined) process.pid = prefix.pid;
  return { '@timestamp': prefix.millis, host: { name: prefix.hostname, hostname: prefix.hostname }, process };
}
