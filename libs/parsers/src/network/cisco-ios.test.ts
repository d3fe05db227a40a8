/**
 * Lines written from Cisco's IOS / IOS XE System Message Guide (message
 * format, severity levels and the texts of SEC, SEC_LOGIN, SYS, PARSER, SSH,
 * LINK, LINEPROTO, OSPF, BGP, PORT_SECURITY messages), with documentation
 * addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const ios = createParser('cisco_ios', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(code: string, text: string) {
  const result = auto.parse(record(`<189>123: *Dec  4 10:00:00.123 UTC: %${code}: ${text}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('cisco_ios');
  return result.event as Record<string, any>;
}

describe('cisco_ios – header', () => {
  it('cisco_ios – sequence number, time stamp, code, severity and observer', () => {
    const event = parse('SYS-5-CONFIG_I', 'Configured from console by admin on vty0 (192.0.2.9)');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.123Z');
    expect(event.tags).toBeUndefined();
    expect(event.event).toMatchObject({ code: 'CONFIG_I', severity: 5, action: 'configured', category: ['configuration'], type: ['change'] });
    expect(event.log.level).toBe('notifications');
    expect(event.cisco.ios).toEqual({ facility: 'SYS', sequence: '123', config_source: 'console', line: 'vty0' });
    expect(event.observer).toEqual({ vendor: 'Cisco', product: 'IOS', type: 'router' });
    expect(event.user).toEqual({ name: 'admin' });
    expect(event.source).toEqual({ ip: '192.0.2.9' });
    expect(event.message).toBe('Configured from console by admin on vty0 (192.0.2.9)');
  });

  it('cisco_ios – a BSD syslog header with the code as the tag', () => {
    const result = auto.parse(record('<189>Dec  4 10:00:00 rtr1 %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down'));
    expect(result.ok && result.event.event.dataset).toBe('cisco_ios');
    if (result.ok) expect((result.event as Record<string, any>).observer.ingress).toEqual({ interface: { name: 'GigabitEthernet0/1' } });
  });

  it('cisco_ios – an origin id and a time stamp with the year', () => {
    const result = ios.parse(record('<189>45: rtr1: Dec  4 2026 10:00:00: %SYS-5-RESTART: System restarted --'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
      expect((result.event as Record<string, any>).observer.name).toBe('rtr1');
    }
  });
});

describe('cisco_ios – access lists', () => {
  it('cisco_ios – an extended list denying TCP', () => {
    const event = parse('SEC-6-IPACCESSLOGP', 'list 101 denied tcp 203.0.113.9(4431) -> 10.0.0.5(22), 1 packet');
    expect(event.event).toMatchObject({ action: 'denied', outcome: 'failure', type: ['connection', 'denied'] });
    expect(event.source).toEqual({ ip: '203.0.113.9', port: 4431 });
    expect(event.destination).toEqual({ ip: '10.0.0.5', port: 22 });
    expect(event.network).toEqual({ transport: 'tcp', packets: 1 });
    expect(event.rule).toEqual({ name: '101' });
    expect(event.cisco.ios.access_list).toBe('101');
  });

  it('cisco_ios – ICMP, other protocols, standard lists and IPv6', () => {
    const icmp = parse('SEC-6-IPACCESSLOGDP', 'list 110 denied icmp 203.0.113.9 -> 10.0.0.5 (8/0), 4 packets');
    expect(icmp.network).toEqual({ transport: 'icmp', packets: 4 });
    expect(icmp.cisco.ios).toMatchObject({ icmp_type: 8, icmp_code: 0 });
    const ospf = parse('SEC-6-IPACCESSLOGNP', 'list 120 permitted 89 192.0.2.2 -> 224.0.0.5, 1 packet');
    expect(ospf.event).toMatchObject({ action: 'permitted', outcome: 'success' });
    expect(ospf.network.transport).toBe('89');
    const standard = parse('SEC-6-IPACCESSLOGS', 'list 10 denied 203.0.113.9 3 packets');
    expect(standard.source).toEqual({ ip: '203.0.113.9' });
    const v6 = parse('IPV6_ACL-6-ACCESSLOGP', 'list ACL-IPv6-IN/10 permitted tcp 2001:db8::1(11001) -> 2001:db8::2(23), 1 packet');
    expect(v6.source).toEqual({ ip: '2001:db8::1', port: 11001 });
  });
});

describe('cisco_ios – management and routing', () => {
  it('cisco_ios – login success and failure', () => {
    const ok = parse('SEC_LOGIN-5-LOGIN_SUCCESS', 'Login Success [user: admin] [Source: 192.0.2.9] [localport: 22] at 10:00:00 UTC Fri Dec 4 2026');
    expect(ok.event).toMatchObject({ action: 'login-success', outcome: 'success', category: ['authentication'] });
    expect(ok.destination).toEqual({ port: 22 });
    const failed = parse('SEC_LOGIN-4-LOGIN_FAILED', 'Login failed [user: admin] [Source: 203.0.113.9] [localport: 22] [Reason: Login Authentication Failed] at 10:00:00 UTC Fri Dec 4 2026');
    expect(failed.event).toMatchObject({ outcome: 'failure', reason: 'Login Authentication Failed' });
    expect(failed.log.level).toBe('warnings');
  });

  it('cisco_ios – logged commands and SSH user authentication', () => {
    const command = parse('PARSER-5-CFGLOG_LOGGEDCMD', 'User:admin  logged command:interface GigabitEthernet0/1');
    expect(command.cisco.ios.command).toBe('interface GigabitEthernet0/1');
    expect(command.user.name).toBe('admin');
    const ssh = parse('SSH-5-SSH2_USERAUTH', "User 'admin' authentication for SSH2 Session from 192.0.2.9 (tty = 0) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Succeeded");
    expect(ssh.event).toMatchObject({ action: 'ssh-user-auth', outcome: 'success' });
    expect(ssh.user.name).toBe('admin');
  });

  it('cisco_ios – line protocol, OSPF and BGP neighbours, port security, logging host', () => {
    expect(parse('LINEPROTO-5-UPDOWN', 'Line protocol on Interface GigabitEthernet0/1, changed state to up').event.action).toBe('interface-up');
    const ospf = parse('OSPF-5-ADJCHG', 'Process 1, Nbr 192.0.2.2 on GigabitEthernet0/0 from FULL to DOWN, Neighbor Down: Dead timer expired');
    expect(ospf.destination).toEqual({ ip: '192.0.2.2' });
    expect(parse('BGP-5-ADJCHANGE', 'neighbor 192.0.2.3 Up').event.action).toBe('neighbor-change');
    const port = parse('PORT_SECURITY-2-PSECURE_VIOLATION', 'Security violation occurred, caused by MAC address 0011.2233.4455 on port GigabitEthernet0/3.');
    expect(port.source).toEqual({ mac: '00-11-22-33-44-55' });
    expect(port.event.severity).toBe(2);
    expect(parse('SYS-6-LOGGINGHOST_STARTSTOP', 'Logging to host 192.0.2.50 port 514 started - CLI initiated').destination).toEqual({ ip: '192.0.2.50', port: 514 });
  });

  it('cisco_ios – an unknown mnemonic keeps the common fields', () => {
    const event = parse('DOT1X-5-FAIL', 'Authentication failed for client (0011.2233.4455) on Interface Gi1/0/1');
    expect(event.event).toMatchObject({ code: 'DOT1X-5-FAIL'.split('-')[2], severity: 5, category: ['network'], type: ['info'] });
    expect(event.cisco.ios.facility).toBe('DOT1X');
  });
});

describe('cisco_ios – bad input', () => {
  it('cisco_ios – a message code with a severity out of range goes to the dead letters with the reason', () => {
    const result = ios.parse(record('%SYS-9-CONFIG_I: Configured from console by admin'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/severity 0-7/);
    }
  });
});
