/**
 * AppArmor and SELinux decisions as the kernel logs them to syslog or dmesg
 * when auditd is not running (`kernel: audit: type=1400 audit(sec.ms:serial):
 * ...`), or as whole audit records (`type=AVC msg=audit(...): avc: ...`):
 *
 *   audit: type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
 *   audit: type=1400 audit(1796378400.123:43): avc:  denied  { read } for  pid=1234 comm="httpd" name="shadow" dev="dm-0" ino=1234 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0
 *
 * written from the AppArmor wiki's "AppArmor Failures" and the kernel's audit
 * message format, and Red Hat's SELinux guide ("Raw audit messages"). Mapped
 * as Elastic's auditd integration names these records: `event.action`
 * `violated-apparmor-policy` / `violated-selinux-policy` (and
 * `changed-selinux-enforcement`, `loaded-selinux-policy`,
 * `apparmor-status`), `event.outcome` (denied → failure), `process.{pid,name,
 * executable}`, `file.path`, `user.id` (fsuid), `destination.port` for
 * socket checks, and the decision in `apparmor.*` or `selinux.*`.
 */
import type { FieldsBodyParser } from '../body-format';
import { readBlankSeparatedPairs } from '../kv-scan';
import { countOf, mismatch, put, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';

export const KERNEL_AUDIT = 'kernel_audit';

const HEADER = /^(?:\[\s*\d+\.\d+\] )?(?:audit: )?type=(\d{4}|AVC|USER_AVC|MAC_STATUS|MAC_POLICY_LOAD|APPARMOR_[A-Z]+) (?:msg=)?audit\((\d{9,10})\.(\d{3}):(\d+)\): ?/;
const AVC = /^avc: +(denied|granted) +\{ ([^}]*) \} for +(.*)$/;

/** Whether a kernel message is an audit record this parser reads (the kernel program also sends netfilter lines). */
export function isKernelAuditRecord(body: string): boolean {
  return body.includes('audit(') && HEADER.test(body);
}

/** Whether `text` holds an odd number of `"`: the kernel quotes every string, so the line was cut. */
function hasUnterminatedQuote(text: string): boolean {
  let quotes = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) quotes++;
  return (quotes & 1) === 1;
}

/** The record's fields with its time and audit stamp, added in place (an object spread here cost a seventh of the parse). */
function stamped(fields: Fields, timestamp: number, audit: Fields): Fields {
  fields['@timestamp'] = timestamp;
  fields.kernel_audit = audit;
  return fields;
}

function processFields(pairs: Record<string, string>): Fields | undefined {
  const process: Fields = {};
  put(process, 'pid', countOf(pairs.pid));
  put(process, 'name', pairs.comm);
  put(process, 'executable', pairs.exe);
  return Object.keys(process).length > 0 ? process : undefined;
}

function apparmor(pairs: Record<string, string>): Fields {
  const status = pairs.apparmor ?? '';
  const denied = status === 'DENIED';
  const decision = status === 'DENIED' || status === 'ALLOWED' || status === 'AUDIT';
  const event: Fields = {
    kind: 'event',
    category: decision ? ['process'] : ['configuration'],
    type: decision ? [denied ? 'denied' : 'allowed'] : ['change'],
    action: decision ? 'violated-apparmor-policy' : 'apparmor-status',
  };
  if (decision) event.outcome = denied ? 'failure' : 'success';
  put(event, 'reason', pairs.info);
  const record: Fields = { status };
  for (const key of ['operation', 'profile', 'requested_mask', 'denied_mask', 'info', 'error', 'capname', 'signal', 'peer', 'family', 'sock_type', 'protocol', 'namespace', 'target']) put(record, key, pairs[key]);
  const fields: Fields = { event, apparmor: record };
  put(fields, 'process', processFields(pairs));
  if (pairs.name !== undefined && pairs.name.startsWith('/')) fields.file = { path: pairs.name };
  if (pairs.fsuid !== undefined) fields.user = { id: pairs.fsuid };
  return fields;
}

function selinux(verdict: string, permissions: string, rest: string): Fields {
  const pairs = readBlankSeparatedPairs(rest);
  const denied = verdict === 'denied';
  const permissive = pairs.permissive === '1';
  const event: Fields = {
    kind: 'event',
    category: ['process'],
    type: [denied && !permissive ? 'denied' : 'allowed'],
    action: 'violated-selinux-policy',
    outcome: denied && !permissive ? 'failure' : 'success',
  };
  const record: Fields = { verdict, permissions: permissions.trim().split(/ +/) };
  for (const key of ['scontext', 'tcontext', 'tclass', 'dev', 'ino']) put(record, key, pairs[key]);
  if (pairs.permissive !== undefined) record.permissive = permissive;
  const fields: Fields = { event, selinux: record };
  put(fields, 'process', processFields(pairs));
  const path = pairs.path ?? (pairs.name?.startsWith('/') ? pairs.name : undefined);
  if (path !== undefined) fields.file = { path };
  else if (pairs.name !== undefined) fields.file = { name: pairs.name };
  const port = countOf(pairs.dest);
  if (port !== undefined) fields.destination = { port };
  return fields;
}

export const kernelAuditBodyParser: FieldsBodyParser = {
  dataset: KERNEL_AUDIT,
  description: 'AppArmor and SELinux decisions in kernel audit lines (audit: type=1400 audit(...): apparmor="DENIED" ... / avc: denied { read } ...), SELinux enforcement changes and policy loads, as Elastic\'s auditd integration names them.',
  compile() {
    return (body) => {
      const header = HEADER.exec(body);
      if (header === null) return undefined;
      const [whole, type, seconds, millis, serial] = header as unknown as [string, string, string, string, string];
      const rest = body.slice(whole.length);
      const timestamp = Number(seconds) * 1000 + Number(millis);
      const audit = { type, sequence: Number(serial) };
      if (hasUnterminatedQuote(rest)) {
        return mismatch(KERNEL_AUDIT, `The kernel audit record ${serial} has an unterminated quoted value; the kernel quotes every string it logs, so the line was cut. Check the syslog message size limit of the sender.`);
      }
      const avc = AVC.exec(rest);
      if (avc !== null) return stamped(selinux(avc[1] ?? '', avc[2] ?? '', avc[3] ?? ''), timestamp, audit);
      const pairs = readBlankSeparatedPairs(rest);
      if (pairs.apparmor !== undefined) {
        if (pairs.operation === undefined) {
          return mismatch(KERNEL_AUDIT, `The AppArmor record ${serial} has no operation=; AppArmor writes it in every message. Check that the line was not cut.`);
        }
        return stamped(apparmor(pairs), timestamp, audit);
      }
      if (pairs.enforcing !== undefined) {
        return {
          '@timestamp': timestamp,
          event: { kind: 'event', category: ['configuration'], type: ['change'], action: 'changed-selinux-enforcement' },
          selinux: { enforcing: pairs.enforcing === '1', old_enforcing: pairs.old_enforcing === '1' },
          user: put({}, 'audit', pairs.auid === undefined ? undefined : { id: pairs.auid }),
          kernel_audit: audit,
        };
      }
      if (/policy loaded/.test(rest)) {
        return { '@timestamp': timestamp, event: { kind: 'event', category: ['configuration'], type: ['change'], action: 'loaded-selinux-policy' }, kernel_audit: audit };
      }
      return undefined;
    };
  },
};

export const kernelAuditParser = defineSyslogBodyFormat(kernelAuditBodyParser);
