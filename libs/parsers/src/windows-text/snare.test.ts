/**
 * Lines written from the Snare Agent for Windows documentation (the
 * tab-separated MSWinEventLog record) and NXLog's to_syslog_snare(), with
 * messages as Windows renders the Security events (Microsoft's event
 * documentation for 4624, 4625, 4634, 4688, 4720, 4726, 4740, 1102).
 * Documentation addresses and names.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const snare = createParser('snare', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function line(eventId: number, type: string, category: string, message: string): string {
  return ['<14>Dec  4 10:00:00 WS01 MSWinEventLog', '1', 'Security', '1042', 'Fri Dec 04 10:00:00 2026', String(eventId), 'Microsoft-Windows-Security-Auditing', 'N/A', 'N/A', type, 'WS01.example.com', category, '', message, '-1'].join('\t');
}

function parse(eventId: number, type: string, category: string, message: string) {
  const result = auto.parse(record(line(eventId, type, category, message)));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('snare');
  return result.event as Record<string, any>;
}

describe('snare – Security events', () => {
  it('snare – 4624 successful network logon, as Winlogbeat maps it', () => {
    const event = parse(4624, 'Success Audit', 'Logon', 'An account was successfully logged on.  Subject:  Security ID:  S-1-5-18  Account Name:  WS01$  Account Domain:  EXAMPLE  Logon ID:  0x3E7  Logon Information:  Logon Type:  3  Restricted Admin Mode:  -  Virtual Account:  No  Elevated Token:  Yes  New Logon:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice  Account Domain:  EXAMPLE  Logon ID:  0x8DCE1  Network Information:  Workstation Name:  WS02  Source Network Address:  198.51.100.7  Source Port:  50123  Detailed Authentication Information:  Logon Process:  Kerberos  Authentication Package:  Kerberos');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ code: '4624', action: 'logged-in', outcome: 'success', category: ['authentication'] });
    expect(event.user).toMatchObject({ name: 'alice', domain: 'EXAMPLE' });
    expect(event.source).toMatchObject({ ip: '198.51.100.7', port: 50123 });
    expect(event.winlog.logon.type).toBe('Network');
    expect(event.winlog.event_data).toMatchObject({ SubjectUserName: 'WS01$', TargetLogonId: '0x8DCE1', LogonProcessName: 'Kerberos', ElevatedToken: 'Yes' });
    expect(event.winlog).toMatchObject({ channel: 'Security', record_id: '1042', computer_name: 'WS01.example.com' });
  });

  it('snare – leaves out a criticality that is not a number instead of writing NaN (found by the fuzz test)', () => {
    const mangled = line(4624, 'Success Audit', 'Logon', 'An account was successfully logged on.').replace('MSWinEventLog\t1\t', 'MSWinEventLog\t9999-12-311\t');
    const result = auto.parse(record(mangled));
    if (!result.ok) throw new Error(`expected success, got ${result.error.code}`);
    expect(result.event.snare).toEqual({ sid_type: 'N/A' });
    expect(parse(4624, 'Success Audit', 'Logon', 'An account was successfully logged on.').snare).toMatchObject({ criticality: 1 });
  });

  it('snare – 4625 failed logon with the failure status', () => {
    const event = parse(4625, 'Failure Audit', 'Logon', 'An account failed to log on.  Subject:  Security ID:  S-1-0-0  Account Name:  -  Account Domain:  -  Logon ID:  0x0  Logon Type:  3  Account For Which Logon Failed:  Security ID:  S-1-0-0  Account Name:  mallory  Account Domain:  EXAMPLE  Failure Information:  Failure Reason:  Unknown user name or bad password.  Status:  0xC000006D  Sub Status:  0xC0000064  Network Information:  Workstation Name:  -  Source Network Address:  203.0.113.9  Source Port:  0');
    expect(event.event).toMatchObject({ action: 'logon-failed', outcome: 'failure' });
    expect(event.user.name).toBe('mallory');
    expect(event.winlog.logon.failure).toEqual({ status: '0xC000006D', sub_status: '0xC0000064', reason: 'Unknown user name or bad password.' });
  });

  it('snare – 4634 logoff names the account that logged off', () => {
    const event = parse(4634, 'Success Audit', 'Logoff', 'An account was logged off.  Subject:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice  Account Domain:  EXAMPLE  Logon ID:  0x8DCE1  Logon Type:  3');
    expect(event.user.name).toBe('alice');
    expect(event.winlog.event_data.TargetUserName).toBe('alice');
  });

  it('snare – 4688 process creation with the command line', () => {
    const event = parse(4688, 'Success Audit', 'Process Creation', 'A new process has been created.  Creator Subject:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice  Account Domain:  EXAMPLE  Logon ID:  0x8DCE1  Target Subject:  Security ID:  S-1-0-0  Account Name:  -  Account Domain:  -  Logon ID:  0x0  Process Information:  New Process ID:  0x1a2c  New Process Name:  C:\\Windows\\System32\\cmd.exe  Token Elevation Type:  %%1938  Mandatory Label:  S-1-16-8192  Creator Process ID:  0x13f0  Creator Process Name:  C:\\Windows\\explorer.exe  Process Command Line:  cmd.exe /c whoami /all');
    expect(event.process).toMatchObject({ pid: 0x1a2c, executable: 'C:\\Windows\\System32\\cmd.exe', command_line: 'cmd.exe /c whoami /all' });
    expect(event.process.parent).toMatchObject({ pid: 0x13f0, executable: 'C:\\Windows\\explorer.exe' });
  });

  it('snare – 4720 and 4726 account management name the target account', () => {
    const created = parse(4720, 'Success Audit', 'User Account Management', 'A user account was created.  Subject:  Security ID:  S-1-5-21-1-2-3-500  Account Name:  admin  Account Domain:  EXAMPLE  Logon ID:  0x1F4  New Account:  Security ID:  S-1-5-21-1-2-3-1200  Account Name:  svc_backup  Account Domain:  EXAMPLE');
    expect(created.user.target).toMatchObject({ name: 'svc_backup' });
    expect(created.event.category).toEqual(['iam']);
    const deleted = parse(4726, 'Success Audit', 'User Account Management', 'A user account was deleted.  Subject:  Security ID:  S-1-5-21-1-2-3-500  Account Name:  admin  Account Domain:  EXAMPLE  Logon ID:  0x1F4  Target Account:  Security ID:  S-1-5-21-1-2-3-1200  Account Name:  svc_backup  Account Domain:  EXAMPLE');
    expect(deleted.user.target).toMatchObject({ name: 'svc_backup' });
  });

  it('snare – other events keep the Windows fields: 4740 lockout, 1102 log cleared, a System event', () => {
    expect(parse(4740, 'Success Audit', 'User Account Management', 'A user account was locked out.  Subject:  Security ID:  S-1-5-18  Account Name:  DC01$  Account Domain:  EXAMPLE  Logon ID:  0x3E7  Account That Was Locked Out:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice').event.code).toBe('4740');
    expect(parse(1102, 'Success Audit', 'Log clear', 'The audit log was cleared.  Subject:  Security ID:  S-1-5-21-1-2-3-500  Account Name:  admin  Domain Name:  EXAMPLE  Logon ID:  0x1F4').winlog.event_id).toBe('1102');
    const system = auto.parse(record(['<14>Dec  4 10:00:00 WS01 MSWinEventLog', '2', 'System', '77', 'Fri Dec 04 10:00:00 2026', '7036', 'Service Control Manager', 'N/A', 'N/A', 'Information', 'WS01.example.com', 'None', '', 'The Windows Update service entered the running state.', '-1'].join('\t')));
    expect(system.ok && (system.event as Record<string, any>).winlog.channel).toBe('System');
  });

  it('snare – a Snare agent line without a syslog header', () => {
    const result = snare.parse(record(['WS01.example.com', 'MSWinEventLog', '1', 'Security', '1043', 'Fri Dec 04 10:00:05 2026', '4647', 'Microsoft-Windows-Security-Auditing', 'N/A', 'N/A', 'Success Audit', 'WS01.example.com', 'Logoff', '', 'User initiated logoff:  Subject:  Security ID:  S-1-5-21-1-2-3-1104  Account Name:  alice  Account Domain:  EXAMPLE  Logon ID:  0x8DCE1', '-1'].join('\t')));
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.event as Record<string, any>).user.name).toBe('alice');
  });
});

describe('snare – time', () => {
  it('snare – consecutive lines keep their own times, and an unreadable time is tagged and kept as text', () => {
    const parser = createParser('snare', { now: () => NOW });
    const at = (time: string) => {
      const result = parser.parse(record(['<14>Dec  4 10:00:00 WS01 MSWinEventLog', '1', 'Security', '1', time, '4634', 'Microsoft-Windows-Security-Auditing', 'N/A', 'N/A', 'Success Audit', 'WS01.example.com', 'Logoff', '', 'An account was logged off.  Subject:  Account Name:  alice', '-1'].join('\t')));
      if (!result.ok) throw new Error(result.error.message);
      return result.event as Record<string, any>;
    };
    expect(at('Fri Dec 04 10:00:00 2026')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(at('Fri Dec 04 10:00:00 2026')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(at('Fri Dec  4 10:00:01 2026')['@timestamp']).toBe('2026-12-04T10:00:01.000Z');
    const unreadable = at('Fri Dec 32 10:00:01 2026');
    expect(unreadable.tags).toContain('_timestamp_from_receipt');
    expect(at('Fri Dec 04 10:00:00 2026')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
  });
});

describe('snare – bad input', () => {
  it('snare – a record cut after the event id goes to the dead letters with the reason', () => {
    const result = snare.parse(record('<14>Dec  4 10:00:00 WS01 MSWinEventLog\t1\tSecurity\t1042\tFri Dec 04 10:00:00 2026\t4625'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/at least 14/);
    }
  });
});
