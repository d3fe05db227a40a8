import { describe, expect, it } from 'vitest';
import { createParser } from './registry';
import type { ParseResult } from './types';

const parser = createParser('syslog');
const parse = (line: string): ParseResult => parser.parse({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', input: 'syslog_udp', sourceAddress: '10.0.0.1' });
const event = (line: string) => {
  const result = parse(line);
  if (!result.ok) throw new Error(result.error.message);
  return result.event;
};

describe('syslog body chaining', () => {
  it('gives an sshd message both its syslog and its authentication fields', () => {
    const parsed = event('<38>Nov 23 10:00:00 bastion sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 52311 ssh2');
    expect(parsed).toMatchObject({
      host: { name: 'bastion' },
      process: { name: 'sshd', pid: 4242 },
      log: { syslog: { facility: { name: 'auth' } } },
      event: { dataset: 'linux_auth', outcome: 'failure', category: expect.arrayContaining(['authentication']) },
      user: { name: 'admin' },
      source: { ip: '203.0.113.9', port: 52311 },
    });
  });

  it('parses a CEF record carried in RFC 3164 syslog, keeping the syslog host', () => {
    const parsed = event('<134>Nov 23 10:00:00 fw CEF:0|Check Point|VPN-1 & FireWall-1|R80|drop|Drop|5|src=10.0.0.1 dst=8.8.8.8 spt=1234 dpt=53 proto=UDP act=drop');
    expect(parsed).toMatchObject({
      host: { name: 'fw' },
      log: { syslog: { severity: { name: 'informational' } } },
      event: { dataset: 'cef', action: 'drop' },
      observer: { vendor: 'Check Point' },
      source: { ip: '10.0.0.1', port: 1234 },
      destination: { ip: '8.8.8.8', port: 53 },
    });
  });

  it('parses a LEEF 2.0 record carried in RFC 5424 syslog', () => {
    const parsed = event('<134>1 2026-11-23T10:00:00Z qradar-src app - - - LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5');
    expect(parsed).toMatchObject({ host: { name: 'qradar-src' }, event: { dataset: 'leef' }, source: { ip: '10.0.1.8' }, destination: { ip: '10.0.0.5' } });
    expect(parsed.log?.syslog?.version).toBe('1');
  });

  it('sends kernel lines to the netfilter parser and audit records to auditd', () => {
    expect(
      event('<4>Nov 23 10:00:00 gw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:11 SRC=198.51.100.7 DST=10.0.0.2 LEN=60 TTL=52 ID=0 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=29200 SYN URGP=0'),
    ).toMatchObject({ event: { dataset: 'iptables' }, source: { ip: '198.51.100.7', port: 40000 }, destination: { ip: '10.0.0.2', port: 22 }, network: { transport: 'tcp' } });
    expect(
      event(`<14>Nov 23 10:00:00 h audit: type=USER_LOGIN msg=audit(1700000000.123:42): pid=1 uid=0 auid=1000 ses=1 msg='op=login acct="alice" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.5 terminal=ssh res=failed'`),
    ).toMatchObject({ '@timestamp': '2023-11-14T22:13:20.123Z', event: { dataset: 'auditd', outcome: 'failure' }, source: { ip: '203.0.113.5' } });
  });

  it('merges the file prefix of a relayed auth.log or kern.log line into the syslog host, process and time', () => {
    const relay = createParser('syslog', { now: () => new Date('2026-11-23T12:00:00.000Z') });
    const relayed = (line: string) => {
      const result = relay.parse({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', input: 'syslog_udp' });
      if (!result.ok) throw new Error(result.error.message);
      return result.event;
    };
    expect(relayed('<38>Nov 23 10:00:00 relay sshd[1]: Nov 23 09:59:58 bastion sshd[4242]: Accepted publickey for alice from 203.0.113.9 port 52311 ssh2')).toMatchObject({
      '@timestamp': '2026-11-23T09:59:58.000Z',
      host: { name: 'bastion', hostname: 'bastion' },
      process: { name: 'sshd', pid: 4242 },
      message: 'Accepted publickey for alice from 203.0.113.9 port 52311 ssh2',
      event: { dataset: 'linux_auth', outcome: 'success' },
      user: { name: 'alice' },
    });
    expect(relayed('<4>Nov 23 10:00:00 relay kernel: Nov 23 09:59:57 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.2 PROTO=TCP SPT=1 DPT=22')).toMatchObject({
      '@timestamp': '2026-11-23T09:59:57.000Z',
      host: { name: 'gw', hostname: 'gw' },
      process: { name: 'kernel' },
      message: '[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.2 PROTO=TCP SPT=1 DPT=22',
      event: { dataset: 'iptables', action: 'ufw-block' },
      source: { ip: '198.51.100.7', port: 1 },
    });
  });

  it('keeps a plain syslog event when the program says nothing the next parser knows', () => {
    const parsed = event('<38>Nov 23 10:00:00 h sshd[1]: Server listening on 0.0.0.0 port 22.');
    expect(parsed.event.dataset).toBe('syslog_rfc3164');
    expect(parsed.message).toBe('Server listening on 0.0.0.0 port 22.');
    expect(parsed.user).toBeUndefined();
  });

  it('indexes a broken CEF payload as syslog, tagged with the reason, instead of losing it', () => {
    const parsed = event('<134>Nov 23 10:00:00 fw CEF:0|broken');
    expect(parsed.event.dataset).toBe('syslog_rfc3164');
    expect(parsed.tags).toEqual(['cef_parse_failure']);
    expect(parsed.error).toMatchObject({ code: 'SIEM_PARSE_BAD_CEF_HEADER' });
    expect(parsed.message).toBe('CEF:0|broken');
  });
});
