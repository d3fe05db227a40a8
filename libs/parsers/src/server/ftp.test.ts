/**
 * vsftpd lines written from vsftpd.conf(5) and the format its logging code
 * documents; ProFTPD lines from the ProFTPD logging documentation (SystemLog
 * messages). Documentation addresses and names.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const vsftpd = createParser('vsftpd', { now: () => NOW });
const proftpd = createParser('proftpd', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'file' };
}

function parse(program: string, body: string) {
  const result = auto.parse(record(`Dec  4 10:00:00 ftp1 ${program}[4242]: ${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe(program);
  return result.event as Record<string, any>;
}

describe('vsftpd', () => {
  it('vsftpd – a successful login', () => {
    const event = parse('vsftpd', '[alice] OK LOGIN: Client "198.51.100.7"');
    expect(event.event).toMatchObject({ action: 'login', outcome: 'success', category: ['authentication'], type: ['start'] });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.network).toEqual({ protocol: 'ftp' });
  });

  it('vsftpd – a failed login from an IPv4-mapped IPv6 client', () => {
    const event = parse('vsftpd', '[root] FAIL LOGIN: Client "::ffff:203.0.113.9"');
    expect(event.event.outcome).toBe('failure');
    expect(event.source).toEqual({ ip: '203.0.113.9' });
  });

  it('vsftpd – an upload and a download with size and rate', () => {
    const upload = parse('vsftpd', '[alice] OK UPLOAD: Client "198.51.100.7", "/home/alice/report.pdf", 52341 bytes, 812.44Kbyte/sec');
    expect(upload.event).toMatchObject({ action: 'upload', category: ['file'], type: ['creation'] });
    expect(upload.file).toEqual({ path: '/home/alice/report.pdf', size: 52341 });
    expect(upload.vsftpd).toEqual({ transfer_rate_kbps: 812.44 });
    const download = parse('vsftpd', '[alice] FAIL DOWNLOAD: Client "198.51.100.7", "/etc/shadow", 0 bytes, 0.00Kbyte/sec');
    expect(download.event).toMatchObject({ action: 'download', outcome: 'failure', type: ['access'] });
  });

  it('vsftpd – mkdir, rmdir, delete, rename and chmod', () => {
    expect(parse('vsftpd', '[alice] OK MKDIR: Client "198.51.100.7", "/home/alice/new"').event.type).toEqual(['creation']);
    expect(parse('vsftpd', '[alice] OK RMDIR: Client "198.51.100.7", "/home/alice/old"').event.type).toEqual(['deletion']);
    expect(parse('vsftpd', '[alice] OK DELETE: Client "198.51.100.7", "/home/alice/a.txt"').file.path).toBe('/home/alice/a.txt');
    const rename = parse('vsftpd', '[alice] OK RENAME: Client "198.51.100.7", "/home/alice/a.txt /home/alice/b.txt"');
    expect(rename.file.path).toBe('/home/alice/b.txt');
    expect(rename.vsftpd.old_path).toBe('/home/alice/a.txt');
    expect(parse('vsftpd', '[alice] OK CHMOD: Client "198.51.100.7", "/home/alice/b.txt 644"').file).toEqual({ path: '/home/alice/b.txt', mode: '644' });
  });

  it('vsftpd – a connection and an anonymous login', () => {
    expect(parse('vsftpd', 'CONNECT: Client "198.51.100.7"').event).toMatchObject({ action: 'connect', type: ['connection', 'start'] });
    expect(parse('vsftpd', '[ftp] OK ANON LOGIN: Client "198.51.100.7"').event.action).toBe('anon_login');
  });

  it('vsftpd – vsftpd.log lines with their own time and pid', () => {
    const result = vsftpd.parse(record('Fri Dec  4 10:00:00 2026 [pid 4242] [alice] OK LOGIN: Client "198.51.100.7"'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
      expect((result.event as Record<string, any>).process).toEqual({ pid: 4242 });
    }
  });

  it('vsftpd – a log-file line in another format goes to the dead letters with the reason', () => {
    const result = vsftpd.parse(record('Fri Dec  4 10:00:00 2026 1 198.51.100.7 1234 /home/alice/a.txt b _ i r alice ftp 0 * c'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/xferlog_std_format/);
    }
  });
});

describe('proftpd', () => {
  const head = 'ftp.example.com (client.example.org[198.51.100.7]) - ';

  it('proftpd – a successful login', () => {
    const event = parse('proftpd', `${head}USER alice: Login successful.`);
    expect(event.event).toMatchObject({ action: 'login', outcome: 'success', category: ['authentication'] });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.source).toEqual({ ip: '198.51.100.7', domain: 'client.example.org' });
    expect(event.server).toEqual({ domain: 'ftp.example.com' });
  });

  it('proftpd – failed logins: wrong password and unknown user', () => {
    const wrong = parse('proftpd', 'ftp.example.com (203.0.113.9[203.0.113.9]) - USER admin (Login failed): Incorrect password');
    expect(wrong.event).toMatchObject({ action: 'login_failed', outcome: 'failure', reason: 'Incorrect password' });
    expect(wrong.source).toEqual({ ip: '203.0.113.9' });
    expect(parse('proftpd', 'ftp.example.com (203.0.113.9[203.0.113.9]) - USER guest: no such user found from 203.0.113.9 [203.0.113.9] to 192.0.2.21:21').user.name).toBe('guest');
  });

  it('proftpd – sessions, anonymous login, chroot, limits and violations', () => {
    expect(parse('proftpd', `${head}FTP session opened.`).event).toMatchObject({ action: 'session_opened', type: ['start'] });
    expect(parse('proftpd', `${head}FTP session closed.`).event).toMatchObject({ action: 'session_closed', type: ['end'] });
    expect(parse('proftpd', `${head}ANON anonymous: Login successful.`).event.action).toBe('anonymous_login');
    expect(parse('proftpd', `${head}Preparing to chroot to directory '/home/alice'`).file).toEqual({ path: '/home/alice' });
    expect(parse('proftpd', `${head}Maximum login attempts (3) exceeded, connection refused`).event).toMatchObject({ action: 'max_login_attempts', outcome: 'failure' });
    expect(parse('proftpd', `${head}SECURITY VIOLATION: Root login attempted`).event.action).toBe('security_violation');
    expect(parse('proftpd', `${head}Refused PORT 10,0,0,1,4,1 (address mismatch)`).event.action).toBe('refused_port');
    expect(parse('proftpd', `${head}FTP session idle timeout, disconnected`).event.action).toBe('idle_timeout');
  });

  it('proftpd – a line without a client address goes to the dead letters with the reason', () => {
    const result = proftpd.parse(record('Dec  4 10:00:00 ftp1 proftpd[4242]: ftp.example.com (client.example.org[]) - FTP session opened.'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
  });
});
