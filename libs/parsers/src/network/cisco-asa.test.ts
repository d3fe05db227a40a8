/**
 * Lines written from the message formats of Cisco's "Secure Firewall ASA
 * Series Syslog Messages" catalogue, with documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const asa = createParser('cisco_asa', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(body: string, header = '<166>Dec 04 2026 10:00:00 asa-fw1 : ') {
  const result = auto.parse(record(`${header}${body}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('cisco_asa');
  return result.event as Record<string, any>;
}

describe('cisco_asa – connections', () => {
  it('cisco_asa – 302013 outbound: the "to" side opened the connection; mapped addresses become NAT', () => {
    const event = parse('%ASA-6-302013: Built outbound TCP connection 9 for outside:198.51.100.20/443 (198.51.100.20/443) to inside:10.1.1.2/53496 (203.0.113.2/53496)');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ code: '302013', severity: 6, action: 'flow-creation', category: ['network'], type: ['connection', 'start'] });
    expect(event.source).toEqual({ ip: '10.1.1.2', port: 53496, nat: { ip: '203.0.113.2', port: 53496 } });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443 });
    expect(event.network).toEqual({ transport: 'tcp', direction: 'outbound' });
    expect(event.observer).toEqual({ vendor: 'Cisco', product: 'ASA', type: 'firewall', ingress: { interface: { name: 'inside' } }, egress: { interface: { name: 'outside' } } });
    expect(event.cisco.asa).toEqual({ message_id: '302013', connection_id: '9', source_interface: 'inside', destination_interface: 'outside' });
    expect(event.log.level).toBe('informational');
    expect(event).not.toHaveProperty('process');
    expect(event.related.ip).toEqual(['10.1.1.2', '203.0.113.2', '198.51.100.20']);
  });

  it('cisco_asa – 302015 inbound UDP with an identity-firewall user: the "for" side is the source', () => {
    const event = parse('%ASA-6-302015: Built inbound UDP connection 414128851 for outside:198.51.100.53/53 (198.51.100.53/53) to inside:192.168.10.5/53 (203.0.113.10/53) (LOCAL\\alice)');
    expect(event.source).toEqual({ ip: '198.51.100.53', port: 53 });
    expect(event.destination).toEqual({ ip: '192.168.10.5', port: 53, nat: { ip: '203.0.113.10', port: 53 } });
    expect(event.network).toEqual({ transport: 'udp', direction: 'inbound' });
    expect(event.user).toEqual({ name: 'LOCAL\\alice' });
  });

  it('cisco_asa – 302014 teardown: duration, bytes and the reason', () => {
    const event = parse('%ASA-6-302014: Teardown TCP connection 9 for outside:198.51.100.20/443 to inside:10.1.1.2/53496 duration 1:02:03 bytes 2436 TCP FINs');
    expect(event.event).toMatchObject({ action: 'flow-expiration', type: ['connection', 'end'], duration: 3_723_000_000_000, reason: 'TCP FINs' });
    expect(event.network).toEqual({ transport: 'tcp', bytes: 2436 });
    expect(event.source).toEqual({ ip: '198.51.100.20', port: 443 });
  });

  it('cisco_asa – 302016 UDP teardown without a reason', () => {
    const event = parse('%ASA-6-302016: Teardown UDP connection 414128851 for outside:198.51.100.53/53 to inside:192.168.10.5/53 duration 0:00:00 bytes 120');
    expect(event.event).toMatchObject({ action: 'flow-expiration', duration: 0 });
    expect(event.event).not.toHaveProperty('reason');
  });

  it('cisco_asa – 302020 ICMP: foreign, global and local addresses', () => {
    const event = parse('%ASA-6-302020: Built inbound ICMP connection for faddr 198.51.100.7/1 gaddr 203.0.113.5/0 laddr 10.0.0.5/0');
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.destination).toEqual({ ip: '10.0.0.5', nat: { ip: '203.0.113.5' } });
    expect(event.network).toEqual({ transport: 'icmp', direction: 'inbound' });
  });

  it('cisco_asa – 305011 and 305012: address translations', () => {
    const built = parse('%ASA-6-305011: Built dynamic TCP translation from inside:10.0.0.5/51000 to outside:203.0.113.2/41000');
    expect(built.event.action).toBe('translation-creation');
    expect(built.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.2', port: 41000 } });
    const torn = parse('%ASA-6-305012: Teardown dynamic UDP translation from inside:10.0.0.5/51001 to outside:203.0.113.2/41001 duration 0:01:30');
    expect(torn.event).toMatchObject({ action: 'translation-expiration', duration: 90_000_000_000 });
  });
});

describe('cisco_asa – denies and access lists', () => {
  it('cisco_asa – 106023: the access group becomes rule.name', () => {
    const event = parse('%ASA-4-106023: Deny tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/22 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]');
    expect(event.event).toMatchObject({ action: 'firewall-rule', outcome: 'failure', type: ['connection', 'denied'], severity: 4 });
    expect(event.rule).toEqual({ name: 'OUTSIDE_IN' });
    expect(event.source).toEqual({ ip: '203.0.113.9', port: 4431 });
    expect(event.destination).toEqual({ ip: '10.0.0.5', port: 22 });
    expect(event.log.level).toBe('warnings');
  });

  it('cisco_asa – 106023 for ICMP: no ports, type and code', () => {
    const event = parse('%ASA-4-106023: Deny icmp src outside:198.51.100.66 dst inside:10.0.0.5 (type 8, code 0) by access-group "OUTSIDE_IN" [0x0, 0x0]');
    expect(event.source).toEqual({ ip: '198.51.100.66' });
    expect(event.network.transport).toBe('icmp');
  });

  it('cisco_asa – 106100: permitted and denied access-list hits', () => {
    const permitted = parse('%ASA-6-106100: access-list OUTSIDE_IN permitted tcp outside/203.0.113.9(4431) -> inside/10.0.0.5(443) hit-cnt 1 first hit [0x8ed66b60, 0x0]');
    expect(permitted.event).toMatchObject({ outcome: 'success', type: ['connection', 'allowed'] });
    expect(permitted.cisco.asa).toMatchObject({ rule_name: 'OUTSIDE_IN', hit_count: 1, source_interface: 'outside' });
    const denied = parse('%ASA-4-106100: access-list OUTSIDE_IN denied udp outside/203.0.113.9(5060) -> inside/10.0.0.5(5060) hit-cnt 3 300-second interval [0x0, 0x0]');
    expect(denied.event).toMatchObject({ outcome: 'failure', type: ['connection', 'denied'] });
  });

  it('cisco_asa – 106001, 106006 and 106015: denies on an interface', () => {
    const syn = parse('%ASA-2-106001: Inbound TCP connection denied from 203.0.113.9/4431 to 10.0.0.5/23 flags SYN  on interface outside');
    expect(syn.cisco.asa).toMatchObject({ source_interface: 'outside', tcp_flags: 'SYN' });
    expect(syn.log.level).toBe('critical');
    const udp = parse('%ASA-2-106006: Deny inbound UDP from 203.0.113.9/137 to 10.0.0.5/137 on interface outside');
    expect(udp.network.transport).toBe('udp');
    const noConnection = parse('%ASA-6-106015: Deny TCP (no connection) from 203.0.113.9/4431 to 10.0.0.5/443 flags RST  on interface outside');
    expect(noConnection.destination).toEqual({ ip: '10.0.0.5', port: 443 });
  });
});

describe('cisco_asa – VPN, AAA and administration', () => {
  it('cisco_asa – 113004 and 113005: AAA authentication with the user and the server', () => {
    const ok = parse('%ASA-6-113004: AAA user authentication Successful : server = 10.0.0.20 : user = alice');
    expect(ok.event).toMatchObject({ category: ['authentication'], action: 'aaa-user-authentication', outcome: 'success' });
    expect(ok.user).toEqual({ name: 'alice' });
    expect(ok.destination).toEqual({ ip: '10.0.0.20' });
    const rejected = parse('%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.0.0.20 : user = mallory : user IP = 198.51.100.99');
    expect(rejected.event).toMatchObject({ outcome: 'failure', reason: 'AAA failure' });
    expect(rejected.source).toEqual({ ip: '198.51.100.99' });
    expect(rejected.related.user).toEqual(['mallory']);
  });

  it('cisco_asa – 113019: a VPN session ends with its group, bytes and reason', () => {
    const event = parse('%ASA-4-113019: Group = RemoteUsers, Username = alice, IP = 198.51.100.30, Session disconnected. Session Type: SSL, Duration: 0h:42m:10s, Bytes xmt: 1234567, Bytes rcv: 7654, Reason: User Requested');
    expect(event.event).toMatchObject({ action: 'vpn-session-disconnected', reason: 'User Requested' });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.source).toEqual({ ip: '198.51.100.30', bytes: 7654 });
    expect(event.cisco.asa).toMatchObject({ tunnel_group: 'RemoteUsers', session_type: 'SSL' });
  });

  it('cisco_asa – 722051 and 716001: AnyConnect address assignment and WebVPN start', () => {
    const assigned = parse('%ASA-4-722051: Group <GroupPolicy_VPN> User <alice> IP <198.51.100.30> IPv4 Address <10.10.0.15> IPv6 address <::> assigned to session');
    expect(assigned.cisco.asa).toMatchObject({ assigned_ip: '10.10.0.15', tunnel_group: 'GroupPolicy_VPN' });
    expect(assigned.source).toEqual({ ip: '198.51.100.30' });
    const started = parse('%ASA-6-716001: Group <GroupPolicy_VPN> User <alice> IP <198.51.100.30> WebVPN session started.');
    expect(started.event.action).toBe('webvpn-session-started');
  });

  it('cisco_asa – 611101, 605005 and 111008: management logins and commands', () => {
    const auth = parse('%ASA-6-611102: User authentication failed: IP address: 198.51.100.99, Uname: admin');
    expect(auth.event).toMatchObject({ outcome: 'failure', action: 'user-authentication' });
    const login = parse('%ASA-6-605005: Login permitted from 10.0.0.50/51515 to inside:10.0.0.1/ssh for user "admin"');
    expect(login.user).toEqual({ name: 'admin' });
    expect(login.source).toEqual({ ip: '10.0.0.50', port: 51515 });
    expect(login.cisco.asa).toMatchObject({ service: 'ssh', destination_interface: 'inside' });
    const command = parse("%ASA-5-111008: User 'admin' executed the 'write memory' command.");
    expect(command.event).toMatchObject({ action: 'command-executed', category: ['configuration'] });
    expect(command.cisco.asa.command_line).toBe('write memory');
  });

  it('cisco_asa – FTD messages and ids it does not know keep the common fields', () => {
    const event = parse('%FTD-1-105005: (Primary) Lost Failover communications with mate on interface inside.');
    expect(event.observer.product).toBe('Firepower Threat Defense');
    expect(event.event).toMatchObject({ code: '105005', severity: 1 });
    expect(event.message).toBe('(Primary) Lost Failover communications with mate on interface inside.');
  });
});

describe('cisco_asa – headers and bad input', () => {
  it('cisco_asa – reads the message without a timestamp, with a BSD timestamp and from a file without PRI', () => {
    expect(parse('%ASA-6-302016: Teardown UDP connection 1 for outside:198.51.100.53/53 to inside:10.0.0.5/53 duration 0:00:00 bytes 1', '<166>').event.code).toBe('302016');
    const relayed = parse('%ASA-6-302016: Teardown UDP connection 1 for outside:198.51.100.53/53 to inside:10.0.0.5/53 duration 0:00:00 bytes 1', '<166>Dec  4 10:00:00 asa-fw1 ');
    expect(relayed.host).toEqual({ name: 'asa-fw1', hostname: 'asa-fw1' });
    expect(parse('%ASA-6-302016: Teardown UDP connection 1 for outside:198.51.100.53/53 to inside:10.0.0.5/53 duration 0:00:00 bytes 1', 'Dec 04 2026 10:00:00: ')['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
  });

  it('cisco_asa – keeps a known id whose text does not fit under auto, tagged, with the reason', () => {
    const result = auto.parse(record('<166>%ASA-6-302013: Built outbound TCP connection for somewhere'));
    expect(result.ok && result.event.tags).toContain('cisco_asa_parse_failure');
    expect(result.ok && (result.event.error as { code: string }).code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
  });

  it('cisco_asa – as its own parser type, sends that line and non-ASA lines to the dead letters with a reason', () => {
    const broken = asa.parse(record('<166>%ASA-6-302013: Built outbound TCP connection for somewhere'));
    expect(broken.ok ? undefined : broken.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'cisco_asa' });
    expect(broken.ok ? '' : broken.error.message).toMatch(/302013/);
    const other = asa.parse(record('<13>Dec  4 10:00:00 web-1 nginx: hello'));
    expect(other.ok ? undefined : other.error.code).toBe('SIEM_PARSE_NO_MATCH');
    const bare = asa.parse(record('%ASA-4-106023: Deny tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/22 by access-group "OUTSIDE_IN"'));
    expect(bare.ok && bare.event.rule).toEqual({ name: 'OUTSIDE_IN' });
  });
});
