/**
 * Syslog lines as syslog daemons write them to files, without `<PRI>`:
 * rsyslog's RSYSLOG_TraditionalFileFormat (`%TIMESTAMP% %HOSTNAME% %syslogtag%%msg%`)
 * and RSYSLOG_FileFormat (the same with an RFC 3339 timestamp), syslog-ng and
 * journald's ISO forms, macOS's space-separated time, and RFC 5424 written
 * without PRI. The lines below are written from those formats' definitions.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createAutoParser } from './auto';
import { createSyslogParser } from './syslog';
import type { Parser } from './types';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const syslog = createSyslogParser({ now: () => NOW });
const auto = createAutoParser({ now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(`${line}\n`), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.10', input: 'http_ndjson' };
}

function parse(line: string, parser: Parser = auto) {
  const result = parser.parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

describe('syslog – lines without PRI, as written to files', () => {
  it('syslog – reads an RSYSLOG_TraditionalFileFormat auth.log line and chains sshd, with no facility claimed', () => {
    const line = 'Dec  4 10:00:00 web-2 sshd[1000]: Failed password for admin from 198.51.100.146 port 30481 ssh2';
    for (const parser of [syslog, auto]) {
      const event = parse(line, parser);
      expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
      expect(event.host).toEqual({ name: 'web-2', hostname: 'web-2' });
      expect(event.process).toEqual({ name: 'sshd', pid: 1000 });
      expect(event.user).toEqual({ name: 'admin' });
      expect(event.source).toEqual({ ip: '198.51.100.146', address: '198.51.100.146', port: 30481 });
      expect(event.event).toMatchObject({ action: 'ssh_login', outcome: 'failure', category: ['authentication'] });
      expect(event.log).toEqual({ source: { address: '192.0.2.10' }, syslog: { hostname: 'web-2', appname: 'sshd', procid: '1000' } });
      expect(event.message).toBe('Failed password for admin from 198.51.100.146 port 30481 ssh2');
    }
  });

  it('syslog – reads an RSYSLOG_FileFormat line: RFC 3339 time with microseconds and an offset', () => {
    const event = parse('2026-12-04T10:00:00.123456+01:00 db-1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart postgresql');
    expect(event['@timestamp']).toBe('2026-12-04T09:00:00.123Z');
    expect(event.host).toEqual({ name: 'db-1', hostname: 'db-1' });
    expect(event.user).toEqual({ name: 'alice', effective: { name: 'root' } });
    expect(event.process).toMatchObject({ name: 'sudo', command_line: '/usr/bin/systemctl restart postgresql' });
  });

  it('syslog – reads a macOS line whose ISO time has a space between date and time and a ±hhmm offset', () => {
    const event = parse('2020-03-24 08:38:44.727732-0700 mac-7 loginwindow[153]: -[SessionAgentNotificationCenter sendBSDNotification:withData:] | sending BSD notification');
    expect(event['@timestamp']).toBe('2020-03-24T15:38:44.727Z');
    expect(event.host).toEqual({ name: 'mac-7', hostname: 'mac-7' });
    expect(event.process).toEqual({ name: 'loginwindow', pid: 153 });
    expect(event.message).toBe('-[SessionAgentNotificationCenter sendBSDNotification:withData:] | sending BSD notification');
  });

  it('syslog – reads an ISO 8601 UTC line with a tag and no pid', () => {
    const event = parse('2026-12-04T10:00:00Z gw-1 su: (to root) alice on pts/1');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.user).toEqual({ name: 'alice', effective: { name: 'root' } });
    expect(event.event).toMatchObject({ action: 'su', outcome: 'success' });
  });

  it('syslog – reads a BSD line without a hostname and chains pam messages of any program', () => {
    const event = parse('Dec  4 09:59:58 CRON[2211]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    expect(event.host).toEqual({ name: '192.0.2.10' });
    expect(event.process).toEqual({ name: 'CRON', pid: 2211 });
    expect(event.message).toBe('pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    expect(event.user).toEqual({ name: 'root' });
    expect(event.event).toMatchObject({ dataset: 'linux_auth', action: 'session_opened' });
  });

  it('syslog – chains kern.log netfilter lines to iptables', () => {
    const event = parse('Dec  4 10:01:02 gw-1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF PROTO=TCP SPT=4431 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0');
    expect(event.event.dataset).toBe('iptables');
    expect(event.source).toMatchObject({ ip: '203.0.113.9', port: 4431 });
    expect(event.destination).toMatchObject({ ip: '10.0.0.5', port: 22 });
  });

  it('syslog – reads RFC 5424 written without PRI', () => {
    for (const parser of [syslog, auto]) {
      const event = parse('1 2026-12-04T10:00:00.003Z app-3.example.com billing 4711 ID47 [exampleSDID@32473 iut="3"] invoice sent', parser);
      expect(event.event.dataset).toBe('syslog_rfc5424');
      expect(event['@timestamp']).toBe('2026-12-04T10:00:00.003Z');
      expect(event.log?.syslog).toEqual({
        version: '1',
        hostname: 'app-3.example.com',
        appname: 'billing',
        procid: '4711',
        msgid: 'ID47',
        structured_data: { 'exampleSDID@32473': { iut: '3' } },
      });
      expect(event.message).toBe('invoice sent');
    }
  });

  it('syslog – keeps a line with <PRI> exactly as before', () => {
    const event = parse('<38>Dec  4 10:00:00 web-2 sshd[1000]: Accepted publickey for deploy from 10.0.0.8 port 50022 ssh2: ED25519 SHA256:abc');
    expect(event.log).toMatchObject({ level: 'informational', syslog: { priority: 38, facility: { code: 4, name: 'auth' } } });
    expect(event.user).toEqual({ name: 'deploy' });
  });

  it('syslog – takes the source of an sshd failure written without "port N ssh2" (logger -t sshd)', () => {
    const event = parse('<13>Dec  4 10:00:00 web-2 sshd: Failed password for root from 203.0.113.7');
    expect(event.user).toEqual({ name: 'root' });
    expect(event.source).toEqual({ ip: '203.0.113.7', address: '203.0.113.7' });
    expect(event.event).toMatchObject({ action: 'ssh_login', outcome: 'failure' });
  });

  it('syslog – refuses a line with neither PRI nor timestamp, naming what it expected', () => {
    const result = syslog.parse(record('web-2 sshd[1000]: Failed password for admin'));
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_BAD_PRIORITY', parser: 'syslog_rfc3164' });
    expect(result.ok ? '' : result.error.message).toMatch(/nor a timestamp/);
  });

  it.each([
    ['a month word that is no timestamp', 'Dec is cold here'],
    ['a date without a time', '2026-12-04 backup done'],
  ])('syslog – refuses %s without PRI', (_, line) => {
    const result = syslog.parse(record(line));
    expect(result.ok).toBe(false);
  });

  it.each([
    ['plain words', 'Failed password for root'],
    ['an IP-first access line', '203.0.113.9 - - [4/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1'],
    ['a slash date (nginx error log)', '2026/12/04 10:00:00 [error] 12#12: *1 open() failed'],
  ])('auto – does not take %s for syslog', (_, line) => {
    const result = auto.parse(record(line));
    expect(result.ok ? undefined : result.error.code).toBe('SIEM_PARSE_UNKNOWN_FORMAT');
  });

  it.each([
    ['a level word where the host would be', '2026-11-23 10:00:00 ERROR request failed'],
    ['a BSD time and no tag', 'Dec  4 10:00:00 web-2 something happened'],
    ['a timestamp alone', '2026-11-23T10:00:00Z'],
  ])('syslog – refuses a line without PRI and without a program tag (%s): an application log, not syslog', (_, line) => {
    for (const parser of [auto, syslog]) {
      const result = parser.parse(record(line));
      expect(result.ok ? undefined : result.error.code).toBe('SIEM_PARSE_BAD_PRIORITY');
      expect(result.ok ? '' : result.error.message).toContain('no program tag');
    }
  });

  it('syslog – tags a line whose time after PRI cannot be read, stamped with the receive time', () => {
    const event = parse('<13>Foo 11 22:14:15 host app: hi');
    expect(event['@timestamp']).toBe('2026-12-04T12:00:00.000Z');
    expect(event.tags).toEqual(['_timestamp_from_receipt']);
  });
});
