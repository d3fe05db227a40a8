/**
 * Linux audit records, as auditd writes them to /var/log/audit/audit.log and
 * audisp-syslog forwards them: `[node=host ]type=SYSCALL msg=audit(1364481363.243:24287): key=value ...`.
 * Every key=value lands in `auditd.log` (as Filebeat's auditd module does),
 * the inner `msg='...'` of user-space records included; strings the kernel
 * hex-encodes are decoded; and the interpreted fields that `log_format = ENRICHED`
 * appends after a 0x1D separator land in `auditd.enriched`.
 */
import { isIP } from 'node:net';
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat } from './body-format';
import { parseError, type ParseError } from './errors';
import { parseCount } from './field-path';
import { isForbiddenKey } from './keys';
import { isValidTimeValue } from './time';
import { parseEpochSeconds } from './web-time';

export const AUDITD = 'auditd';

type Fields = Record<string, unknown>;

/** Fields the kernel writes hex-encoded, unquoted, when the value holds a space, quote or control character. */
const HEX_FIELDS: ReadonlySet<string> = new Set([
  'proctitle', 'cmd', 'comm', 'exe', 'cwd', 'name', 'path', 'data', 'acct', 'key', 'ocomm', 'new', 'old',
  'watch', 'dir', 'file', 'root_dir', 'vm', 'vm-ctx', 'img-ctx', 'sig', 'saddr',
]);

function categoryTable(entries: ReadonlyArray<readonly [string, readonly string[]]>): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const [category, types] of entries) for (const type of types) table.set(type, category);
  return table;
}

const CATEGORY_BY_TYPE = categoryTable([
  ['authentication', ['USER_AUTH', 'USER_LOGIN', 'USER_LOGOUT', 'USER_ERR', 'USER_ACCT', 'CRED_ACQ', 'CRED_DISP', 'CRED_REFR', 'USER_START', 'USER_END', 'LOGIN', 'ANOM_LOGIN_FAILURES']],
  ['iam', ['ADD_USER', 'DEL_USER', 'ADD_GROUP', 'DEL_GROUP', 'USER_MGMT', 'GRP_MGMT', 'USER_CHAUTHTOK', 'ACCT_LOCK', 'ACCT_UNLOCK']],
  ['process', ['SYSCALL', 'EXECVE', 'PROCTITLE']],
  ['file', ['PATH', 'CWD']],
  ['configuration', ['CONFIG_CHANGE']],
]);

const SUCCESS_VALUES: ReadonlySet<string> = new Set(['yes', 'success', '1']);
const FAILURE_VALUES: ReadonlySet<string> = new Set(['no', 'failed', 'fail', '0']);

/**
 * Keys most records carry. A key found here is returned as this (already
 * internalized) string instead of a fresh slice: storing properties under
 * fresh strings costs V8 a hash and a string-table lookup each, about half
 * the time of a 30-field SYSCALL record.
 */
const COMMON_KEYS = [
  'arch', 'syscall', 'success', 'exit', 'a0', 'a1', 'a2', 'a3', 'items', 'ppid', 'pid', 'auid', 'uid', 'gid', 'euid', 'suid',
  'fsuid', 'egid', 'sgid', 'fsgid', 'tty', 'ses', 'comm', 'exe', 'subj', 'key', 'cwd', 'item', 'name', 'inode', 'dev', 'mode',
  'ouid', 'ogid', 'rdev', 'obj', 'nametype', 'cap_fp', 'cap_fi', 'cap_fe', 'cap_fver', 'cap_frootid', 'proctitle', 'argc', 'op',
  'acct', 'hostname', 'addr', 'terminal', 'res', 'grantors', 'id', 'msg', 'cmd', 'data', 'saddr', 'unit', 'old-auid', 'old-ses',
];
const KEYS_BY_SHAPE = new Map<number, string[]>();
for (const key of COMMON_KEYS) {
  const shape = (key.length << 8) | key.charCodeAt(0);
  const bucket = KEYS_BY_SHAPE.get(shape);
  if (bucket === undefined) KEYS_BY_SHAPE.set(shape, [key]);
  else bucket.push(key);
}

function keyAt(text: string, start: number, end: number): string {
  const bucket = KEYS_BY_SHAPE.get(((end - start) << 8) | text.charCodeAt(start));
  if (bucket !== undefined) for (const key of bucket) if (text.startsWith(key, start)) return key;
  return text.slice(start, end);
}

function hexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** Decodes `2F62696E2F7368` to `/bin/sh`; NULs (argv separators in proctitle) become spaces. Undefined when not hex. */
export function decodeAuditHex(value: string): string | undefined {
  if (value.length === 0 || value.length % 2 !== 0) return undefined;
  for (let index = 0; index < value.length; index++) if (!hexDigit(value.charCodeAt(index))) return undefined;
  return Buffer.from(value, 'hex').toString('utf8').replaceAll('\0', ' ').trimEnd();
}

function isExecveArgument(key: string): boolean {
  return key.charCodeAt(0) === 0x61 && key.length > 1 && key.charCodeAt(1) >= 0x30 && key.charCodeAt(1) <= 0x39;
}

/**
 * Reads `key=value` words from text[start, end) into `target`. Values are
 * bare, "double-quoted" or 'single-quoted'; an unterminated quote runs to
 * the end. Returns the single-quoted `msg` of user-space records, if any.
 */
function scanPairs(text: string, start: number, end: number, target: Fields, decodeArguments: boolean, lowerKeys: boolean): string | undefined {
  let inner: string | undefined;
  let index = start;
  while (index < end) {
    while (index < end && text.charCodeAt(index) === 0x20) index++;
    const keyStart = index;
    while (index < end && text.charCodeAt(index) !== 0x3d && text.charCodeAt(index) !== 0x20) index++;
    if (index >= end || text.charCodeAt(index) !== 0x3d || index === keyStart) {
      // A word without "=" (or a lone "=") is skipped; stepping past it keeps the scan moving.
      if (index === keyStart) index++;
      continue;
    }
    const key = lowerKeys ? text.slice(keyStart, index).toLowerCase() : keyAt(text, keyStart, index);
    index++;
    const quote = text.charCodeAt(index);
    let value: string;
    let bare = false;
    if (quote === 0x22 || quote === 0x27) {
      let close = text.indexOf(quote === 0x22 ? '"' : "'", index + 1);
      if (close < 0 || close > end) close = end;
      value = text.slice(index + 1, close);
      index = close + 1;
    } else {
      let close = text.indexOf(' ', index);
      if (close < 0 || close > end) close = end;
      value = text.slice(index, close);
      index = close;
      bare = true;
    }
    if (isForbiddenKey(key)) continue;
    if (key === 'msg' && quote === 0x27) {
      inner = value;
      continue;
    }
    if (bare && (HEX_FIELDS.has(key) || (decodeArguments && isExecveArgument(key)))) value = decodeAuditHex(value) ?? value;
    target[key] = value;
  }
  return inner;
}

/** A value that means "unset": `?`, `(null)`, `(none)`, or the unset id 4294967295 (-1 as u32). */
function present(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value !== '?' && value !== '(null)' && value !== '(none)' && value !== '4294967295' && value !== '-1';
}

function outcomeOf(log: Fields): string | undefined {
  const result = log.success ?? log.res ?? log.result;
  if (typeof result !== 'string') return undefined;
  const lower = result.toLowerCase();
  return SUCCESS_VALUES.has(lower) ? 'success' : FAILURE_VALUES.has(lower) ? 'failure' : undefined;
}

function ecsFields(type: string, log: Fields, enriched: Fields | undefined): EcsFields {
  const fields: EcsFields = {};
  const event: Fields = { kind: 'event', action: type.toLowerCase() };
  const category = CATEGORY_BY_TYPE.get(type);
  if (category !== undefined) event.category = [category];
  const outcome = outcomeOf(log);
  if (outcome !== undefined) event.outcome = outcome;
  fields.event = event;

  const process: Fields = {};
  const pid = present(log.pid) ? parseCount(log.pid) : undefined;
  if (pid !== undefined) process.pid = pid;
  const ppid = present(log.ppid) ? parseCount(log.ppid) : undefined;
  if (ppid !== undefined) process.parent = { pid: ppid };
  if (present(log.exe)) process.executable = log.exe;
  if (present(log.comm)) process.name = log.comm;
  if (present(log.proctitle)) process.title = log.proctitle;
  if (type === 'CWD' && present(log.cwd)) process.working_directory = log.cwd;
  if (Object.keys(process).length > 0) fields.process = process;

  const user: Fields = {};
  if (present(log.uid)) user.id = log.uid;
  if (present(enriched?.uid)) user.name = enriched.uid;
  else if (present(log.acct)) user.name = log.acct;
  if (present(log.euid)) user.effective = present(enriched?.euid) ? { id: log.euid, name: enriched.euid } : { id: log.euid };
  if (present(log.auid)) user.audit = present(enriched?.auid) ? { id: log.auid, name: enriched.auid } : { id: log.auid };
  if (Object.keys(user).length > 0) fields.user = user;

  if (present(log.addr) && isIP(log.addr) !== 0) fields.source = { ip: log.addr, address: log.addr };
  return fields;
}

const HEADER = ' msg=audit(';

function badHeader(): ParseError {
  return parseError(
    'SIEM_PARSE_AUDIT_BAD_HEADER',
    AUDITD,
    'The audit record has no valid "msg=audit(seconds.millis:serial):" after its type; check that the record was not truncated or split while shipping.',
  );
}

export const auditdBodyParser: BodyParser = {
  dataset: AUDITD,
  description:
    'Linux audit records ("type=SYSCALL msg=audit(seconds.millis:serial): key=value ..."), with hex-encoded values decoded, the inner msg of user-space records, and ENRICHED interpreted fields.',
  compile() {
    return (body) => {
      let start = 0;
      let node: string | undefined;
      if (body.startsWith('node=')) {
        const space = body.indexOf(' ');
        if (space < 0) return undefined;
        node = body.slice(5, space);
        start = space + 1;
      }
      if (!body.startsWith('type=', start)) return undefined;
      const typeEnd = body.indexOf(' ', start + 5);
      if (typeEnd < 0 || !body.startsWith(HEADER, typeEnd)) return badHeader();
      const type = body.slice(start + 5, typeEnd);
      const stampStart = typeEnd + HEADER.length;
      const colon = body.indexOf(':', stampStart);
      const close = colon < 0 ? -1 : body.indexOf(')', colon);
      if (close < 0 || close - stampStart > 40) return badHeader();
      const millis = parseEpochSeconds(body, stampStart, colon);
      const sequence = parseCount(body.slice(colon + 1, close));
      if (!isValidTimeValue(millis) || sequence === undefined) return badHeader();

      const separator = body.indexOf('\x1d', close);
      const pairsEnd = separator < 0 ? body.length : separator;
      const log: Fields = {};
      const decodeArguments = type === 'EXECVE';
      // From just after the stamp: the ":" that follows it (" : " in ausearch -i output) is a word without "=" and is skipped.
      const inner = scanPairs(body, close + 1, pairsEnd, log, decodeArguments, false);
      if (inner !== undefined) scanPairs(inner, 0, inner.length, log, decodeArguments, false);
      let enriched: Fields | undefined;
      if (separator >= 0) {
        enriched = {};
        scanPairs(body, separator + 1, body.length, enriched, false, true);
      }

      const fields = ecsFields(type, log, enriched);
      fields['@timestamp'] = millis;
      const auditd: Fields = { message_type: type, sequence, log };
      if (enriched !== undefined && Object.keys(enriched).length > 0) auditd.enriched = enriched;
      if (node !== undefined) auditd.node = node;
      fields.auditd = auditd;
      return fields;
    };
  },
};

export const auditdParser = defineBodyFormat(auditdBodyParser);
