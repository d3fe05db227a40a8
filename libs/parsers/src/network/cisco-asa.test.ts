/**
 * Lines written from the message formats of Cisco's "Secure Firewall ASA
 * Series Syslog Messages" catalogue, with documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';
import { CISCO_ASA_MESSAGE_IDS } from './cisco-asa';

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

/**
 * One line per further message id, written from the message format in Cisco's
 * catalogue (documentation addresses), with the fields that id maps.
 */
const MORE_MESSAGES: readonly [id: string, body: string, expected: Record<string, unknown>][] = [
  ['106002', '%ASA-2-106002: tcp Connection denied by outbound list OUT_ACL src 10.0.0.5 dest 198.51.100.20', { event: { action: 'firewall-rule', outcome: 'failure', type: ['connection', 'denied'] }, source: { ip: '10.0.0.5' }, destination: { ip: '198.51.100.20' }, rule: { name: 'OUT_ACL' }, network: { transport: 'tcp' } }],
  ['106010', '%ASA-3-106010: Deny inbound tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/445', { event: { outcome: 'failure' }, source: { ip: '203.0.113.9', port: 4431 }, destination: { ip: '10.0.0.5', port: 445 }, observer: { ingress: { interface: { name: 'outside' } }, egress: { interface: { name: 'inside' } } } }],
  ['106014', '%ASA-3-106014: Deny inbound icmp src outside:203.0.113.9 dst inside:10.0.0.5 (type 8, code 0)', { network: { transport: 'icmp' }, source: { ip: '203.0.113.9' }, cisco: { asa: { icmp_type: '8', icmp_code: '0', source_interface: 'outside' } } }],
  ['106016', '%ASA-2-106016: Deny IP spoof from (10.0.0.5) to 198.51.100.20 on interface outside', { event: { reason: 'IP spoof' }, source: { ip: '10.0.0.5' }, destination: { ip: '198.51.100.20' } }],
  ['106017', '%ASA-2-106017: Deny IP due to Land Attack from 10.0.0.5 to 10.0.0.5', { event: { reason: 'Land Attack', outcome: 'failure' }, source: { ip: '10.0.0.5' } }],
  ['106018', '%ASA-2-106018: ICMP packet type 8 denied by outbound list OUT_ACL src 10.0.0.5 dest 198.51.100.20', { rule: { name: 'OUT_ACL' }, network: { transport: 'icmp' }, cisco: { asa: { icmp_type: '8' } } }],
  ['106020', '%ASA-2-106020: Deny IP teardrop fragment (size = 1480, offset = 0) from 203.0.113.9 to 10.0.0.5', { event: { reason: 'teardrop fragment' }, source: { ip: '203.0.113.9' } }],
  ['106021', '%ASA-1-106021: Deny TCP reverse path check from 10.0.0.5 to 198.51.100.20 on interface outside', { event: { reason: 'reverse path check' }, network: { transport: 'tcp' }, observer: { ingress: { interface: { name: 'outside' } } } }],
  ['106022', '%ASA-1-106022: Deny TCP connection spoof from 203.0.113.9 to 10.0.0.5 on interface inside', { event: { reason: 'connection spoof' }, destination: { ip: '10.0.0.5' } }],
  ['313001', '%ASA-3-313001: Denied ICMP type=8, code=0 from 203.0.113.9 on interface outside', { network: { transport: 'icmp' }, source: { ip: '203.0.113.9' }, cisco: { asa: { icmp_type: '8', icmp_code: '0' } } }],
  ['313004', '%ASA-4-313004: Denied ICMP type=0, from laddr 203.0.113.9 on interface outside to 10.0.0.5: no matching session', { event: { reason: 'no matching session' }, destination: { ip: '10.0.0.5' } }],
  ['313008', '%ASA-3-313008: Denied ICMPv6 type=128, code=0 from 2001:db8::9 on interface outside', { network: { transport: 'ipv6-icmp' }, source: { ip: '2001:db8::9' } }],
  ['710002', '%ASA-7-710002: TCP access permitted from 10.0.0.5/51000 to inside:10.0.0.1/https', { event: { action: 'management-access-permitted', outcome: 'success' }, source: { ip: '10.0.0.5', port: 51000 }, destination: { ip: '10.0.0.1' }, cisco: { asa: { service: 'https' } } }],
  ['710003', '%ASA-3-710003: TCP access denied by ACL from 203.0.113.9/51000 to outside:198.51.100.1/22', { event: { action: 'management-access-denied', outcome: 'failure' }, destination: { ip: '198.51.100.1', port: 22 } }],
  ['710005', '%ASA-7-710005: UDP request discarded from 203.0.113.9/137 to outside:198.51.100.255/137', { event: { reason: 'request discarded', outcome: 'failure' }, network: { transport: 'udp' } }],
  ['710006', '%ASA-7-710006: IGMP request discarded from 10.0.0.5 to inside:224.0.0.1', { event: { reason: 'request discarded' }, network: { transport: 'igmp' } }],
  ['305005', '%ASA-3-305005: No translation group found for tcp src inside:10.0.0.5/51000 dst outside:198.51.100.20/443', { event: { reason: 'no translation group found' }, source: { ip: '10.0.0.5', port: 51000 } }],
  ['305006', '%ASA-3-305006: regular translation creation failed for icmp src inside:10.0.0.5 dst outside:198.51.100.20', { event: { reason: 'regular translation creation failed' }, network: { transport: 'icmp' } }],
  ['305013', '%ASA-5-305013: Asymmetric NAT rules matched for forward and reverse flows; Connection tcp src outside:203.0.113.9/4431 dst inside:10.0.0.5/80 denied due to NAT reverse path failure.', { event: { reason: 'NAT reverse path failure' }, destination: { port: 80 } }],
  ['419002', '%ASA-4-419002: Received duplicate TCP SYN from outside:203.0.113.9/4431 to inside:10.0.0.5/80 with different initial sequence number.', { network: { transport: 'tcp' }, source: { port: 4431 } }],
  ['500004', '%ASA-4-500004: Invalid transport field for protocol=UDP, from 203.0.113.9/0 to 10.0.0.5/0', { event: { reason: 'invalid transport field' }, network: { transport: 'udp' } }],
  ['410001', '%ASA-4-410001: Dropped UDP DNS reply from outside:198.51.100.53/53 to inside:10.0.0.5/51000; packet length 580 bytes exceeds configured limit of 512 bytes', { network: { transport: 'udp', protocol: 'dns' }, source: { ip: '198.51.100.53', port: 53 } }],
  ['401004', '%ASA-4-401004: Shunned packet: 203.0.113.9 ==> 10.0.0.5 on interface outside', { event: { reason: 'shunned' }, source: { ip: '203.0.113.9' } }],
  ['400013', '%ASA-4-400013: IPS:2003 ICMP redirect from 198.51.100.2 to 10.0.0.5 on interface outside', { event: { kind: 'alert', category: ['intrusion_detection', 'network'], action: 'ips-signature' }, rule: { id: '2003', name: 'ICMP redirect' }, source: { ip: '198.51.100.2' } }],
  ['400032', '%ASA-4-400032: IPS:4051 UDP Snork attack from 203.0.113.9 to 10.0.0.5 on interface outside', { rule: { id: '4051' }, destination: { ip: '10.0.0.5' } }],
  ['733100', '%ASA-4-733100: [ Scanning] drop rate-1 exceeded. Current burst rate is 40 per second, max configured rate is 10; Current average rate is 20 per second, max configured rate is 5; Cumulative total count is 12000', { event: { kind: 'alert', action: 'threat-detected', reason: 'Scanning drop rate exceeded' }, cisco: { asa: { threat_category: 'Scanning', burst_rate: 40, total_count: 12000 } } }],
  ['733101', '%ASA-4-733101: Host 203.0.113.9 is attacking. Current burst rate is 200 per second, max configured rate is 100; Current average rate is 50 per second, max configured rate is 40; Cumulative total count is 9000', { event: { reason: 'Host is attacking' }, source: { ip: '203.0.113.9' } }],
  ['733102', '%ASA-4-733102: Threat-detection adds host 203.0.113.9 to shun list', { event: { action: 'host-shunned' }, source: { ip: '203.0.113.9' } }],
  ['733103', '%ASA-4-733103: Threat-detection removes host 203.0.113.9 from shun list', { event: { action: 'host-unshunned' } }],
  ['302017', '%ASA-6-302017: Built inbound GRE connection 77 from outside:203.0.113.9 (203.0.113.9) to inside:10.0.0.5/0 (198.51.100.5/0)', { event: { action: 'flow-creation' }, network: { transport: 'gre', direction: 'inbound' }, destination: { ip: '10.0.0.5', nat: { ip: '198.51.100.5' } }, cisco: { asa: { connection_id: '77' } } }],
  ['302018', '%ASA-6-302018: Teardown GRE connection 77 from outside:203.0.113.9 (203.0.113.9) to inside:10.0.0.5/0 (198.51.100.5/0) duration 0:01:10 bytes 2048', { event: { action: 'flow-expiration', duration: 70e9 }, network: { bytes: 2048 } }],
  ['303002', '%ASA-6-303002: FTP connection from inside:10.0.0.5/51000 to outside:198.51.100.21/21, user alice Stored file report.pdf', { event: { action: 'ftp-file-stored' }, user: { name: 'alice' }, file: { path: 'report.pdf' }, destination: { ip: '198.51.100.21', port: 21 } }],
  ['304001', '%ASA-5-304001: alice@10.0.0.5 Accessed URL 198.51.100.80:http://www.example.com/index.html', { event: { action: 'url-accessed' }, user: { name: 'alice' }, url: { original: 'http://www.example.com/index.html' }, destination: { ip: '198.51.100.80' } }],
  ['304002', '%ASA-5-304002: Access denied URL http://www.example.com/blocked SRC 10.0.0.5 DEST 198.51.100.80: http://www.example.com/blocked', { event: { action: 'url-denied', outcome: 'failure' }, url: { original: 'http://www.example.com/blocked' } }],
  ['305009', '%ASA-6-305009: Built dynamic translation from inside:10.0.0.5 to outside:203.0.113.2', { event: { action: 'translation-creation' }, source: { ip: '10.0.0.5', nat: { ip: '203.0.113.2' } }, cisco: { asa: { mapping_type: 'dynamic', source_interface: 'inside' } } }],
  ['305010', '%ASA-6-305010: Teardown static translation from inside:10.0.0.5 to outside:203.0.113.2 duration 1:00:00', { event: { action: 'translation-expiration', duration: 3600e9 } }],
  ['109001', '%ASA-6-109001: Auth start for user alice from 10.0.0.5/51000 to 198.51.100.20/80', { event: { category: ['authentication'], action: 'authentication-started' }, user: { name: 'alice' }, destination: { port: 80 } }],
  ['109005', '%ASA-6-109005: Authentication succeeded for user alice from 10.0.0.5/51000 to 198.51.100.20/80 on interface inside', { event: { action: 'authentication-succeeded', outcome: 'success' }, user: { name: 'alice' } }],
  ['109006', '%ASA-6-109006: Authentication failed for user mallory from 203.0.113.9/51000 to 10.0.0.5/80 on interface outside', { event: { action: 'authentication-failed', outcome: 'failure' }, source: { ip: '203.0.113.9' } }],
  ['109007', '%ASA-6-109007: Authorization permitted for user alice from 10.0.0.5/51000 to 198.51.100.20/80 on interface inside', { event: { action: 'authorization-permitted', outcome: 'success' } }],
  ['109008', '%ASA-6-109008: Authorization denied for user mallory from 203.0.113.9/51000 to 10.0.0.5/80 on interface outside', { event: { action: 'authorization-denied', outcome: 'failure' } }],
  ['113008', '%ASA-6-113008: AAA transaction status ACCEPT : user = alice', { event: { action: 'aaa-user-authentication', outcome: 'success' }, user: { name: 'alice' } }],
  ['113009', '%ASA-6-113009: AAA retrieved default group policy (DfltGrpPolicy) for user = alice', { event: { action: 'aaa-group-policy-retrieved' }, cisco: { asa: { group_policy: 'DfltGrpPolicy' } } }],
  ['113010', '%ASA-6-113010: AAA challenge received for user alice from server 192.0.2.40.', { event: { action: 'aaa-challenge-received' }, destination: { ip: '192.0.2.40' } }],
  ['113011', '%ASA-6-113011: AAA retrieved user specific group policy (Engineering) for user = alice', { cisco: { asa: { group_policy: 'Engineering' } }, user: { name: 'alice' } }],
  ['113014', '%ASA-6-113014: AAA authentication server not accessible : server = 192.0.2.40 : user = alice', { event: { outcome: 'failure', reason: 'authentication server not accessible' }, destination: { ip: '192.0.2.40' } }],
  ['113021', '%ASA-3-113021: Attempted console login failed. User mallory did NOT have appropriate Admin Rights.', { event: { action: 'console-login', outcome: 'failure' }, user: { name: 'mallory' } }],
  ['611103', '%ASA-5-611103: User logged out: Uname: admin', { event: { action: 'user-logout', type: ['end'] }, user: { name: 'admin' } }],
  ['502103', '%ASA-5-502103: User priv level changed: Uname: alice From: 1 To: 15', { event: { category: ['iam'], action: 'privilege-changed' }, cisco: { asa: { privilege: { old: '1', new: '15' } } } }],
  ['111009', "%ASA-7-111009: User 'admin' executed cmd: show running-config", { event: { action: 'command-executed' }, cisco: { asa: { command_line: 'show running-config' } } }],
  ['746012', '%ASA-5-746012: user-identity: Add IP-User mapping 10.0.0.5 - EXAMPLE\\alice Succeeded - VPN user', { event: { action: 'user-mapping-added', outcome: 'success', reason: 'VPN user' }, user: { name: 'alice', domain: 'EXAMPLE' }, source: { ip: '10.0.0.5' } }],
  ['746013', '%ASA-5-746013: user-identity: Delete IP-User mapping 10.0.0.5 - EXAMPLE\\alice Succeeded - VPN user logout', { event: { action: 'user-mapping-deleted', type: ['deletion'] } }],
  ['716002', '%ASA-6-716002: Group <Staff> User <alice> IP <198.51.100.7> WebVPN session terminated: User Requested.', { event: { action: 'webvpn-session-terminated', reason: 'User Requested' }, user: { name: 'alice' }, source: { ip: '198.51.100.7' }, cisco: { asa: { tunnel_group: 'Staff' } } }],
  ['716038', '%ASA-6-716038: Group <Staff> User <alice> IP <198.51.100.7> Authentication: successful, Session Type: WebVPN.', { event: { action: 'vpn-authentication', outcome: 'success' }, cisco: { asa: { session_type: 'WebVPN' } } }],
  ['716039', '%ASA-6-716039: Group <Staff> User <mallory> IP <203.0.113.9> Authentication: rejected, Session Type: WebVPN.', { event: { action: 'vpn-authentication', outcome: 'failure' }, user: { name: 'mallory' } }],
  ['716058', '%ASA-6-716058: Group <Staff> User <alice> IP <198.51.100.7> AnyConnect session lost connection. Waiting to resume.', { event: { action: 'anyconnect-session-lost' } }],
  ['716059', '%ASA-6-716059: Group <Staff> User <alice> IP <198.51.100.7> AnyConnect session resumed connection from IP <198.51.100.8>.', { event: { action: 'anyconnect-session-resumed' }, destination: { ip: '198.51.100.8' } }],
  ['113039', '%ASA-6-113039: Group <Staff> User <alice> IP <198.51.100.7> AnyConnect parent session started.', { event: { action: 'anyconnect-parent-session-started', outcome: 'success' } }],
  ['722022', '%ASA-6-722022: Group <Staff> User <alice> IP <198.51.100.7> UDP SVC connection established without compression', { event: { action: 'svc-connection-established' }, network: { transport: 'udp' } }],
  ['722023', '%ASA-6-722023: Group <Staff> User <alice> IP <198.51.100.7> TCP SVC connection closed.', { event: { action: 'svc-connection-closed', type: ['end'] }, network: { transport: 'tcp' } }],
  ['722028', '%ASA-5-722028: Group <Staff> User <alice> IP <198.51.100.7> Stale SVC connection closed.', { event: { action: 'svc-stale-connection-closed' } }],
  ['722032', '%ASA-5-722032: Group <Staff> User <alice> IP <198.51.100.7> New UDP SVC connection replacing old connection.', { event: { action: 'svc-connection-replaced' } }],
  ['722033', '%ASA-5-722033: Group <Staff> User <alice> IP <198.51.100.7> First TCP SVC connection established for SVC session.', { event: { action: 'svc-connection-established' }, network: { transport: 'tcp' } }],
  ['722034', '%ASA-5-722034: Group <Staff> User <alice> IP <198.51.100.7> New TCP SVC connection, no existing connection.', { event: { action: 'svc-connection-established' } }],
  ['722037', '%ASA-5-722037: Group <Staff> User <alice> IP <198.51.100.7> SVC closing connection: DPD failure.', { event: { action: 'svc-connection-closing', reason: 'DPD failure' } }],
  ['722055', '%ASA-6-722055: Group <Staff> User <alice> IP <198.51.100.7> Client Type: Cisco AnyConnect VPN Agent for Windows 4.10.05085', { user_agent: { original: 'Cisco AnyConnect VPN Agent for Windows 4.10.05085' }, user: { name: 'alice' } }],
  ['713228', '%ASA-6-713228: Group = Staff, Username = alice, IP = 198.51.100.7, Assigned private IP address 10.8.0.21 to remote user', { event: { action: 'vpn-address-assigned' }, cisco: { asa: { tunnel_group: 'Staff', assigned_ip: '10.8.0.21' } } }],
  ['713120', '%ASA-5-713120: Group = 198.51.100.9, IP = 198.51.100.9, PHASE 2 COMPLETED (msgid=6d8a2e0b)', { event: { action: 'ike-phase2-completed' }, source: { ip: '198.51.100.9' } }],
  ['734001', '%ASA-6-734001: DAP: User alice, Addr 198.51.100.7, Connection AnyConnect: The following DAP records were selected for this connection: Staff-DAP', { event: { action: 'dap-records-selected' }, cisco: { asa: { session_type: 'AnyConnect', dap_records: 'Staff-DAP' } } }],
  ['302021', '%ASA-6-302021: Teardown ICMP connection for faddr 198.51.100.20/0 gaddr 203.0.113.2/512 laddr 10.0.0.5/512', { event: { action: 'flow-expiration' }, network: { transport: 'icmp' } }],
  ['106007', '%ASA-2-106007: Deny inbound UDP from 203.0.113.9/53 to 10.0.0.5/51000 due to DNS Response on interface outside', { event: { outcome: 'failure' }, network: { transport: 'udp' }, source: { port: 53 } }],
  ['113012', '%ASA-6-113012: AAA user authentication Successful : local database : user = admin', { event: { action: 'aaa-user-authentication', outcome: 'success' }, user: { name: 'admin' } }],
  ['113015', '%ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = mallory : user IP = 203.0.113.9', { event: { outcome: 'failure', reason: 'Invalid password' }, source: { ip: '203.0.113.9' } }],
  ['611101', '%ASA-6-611101: User authentication succeeded: IP address: 10.0.0.9, Uname: admin', { event: { action: 'user-authentication', outcome: 'success' }, source: { ip: '10.0.0.9' } }],
  ['605004', '%ASA-6-605004: Login denied from 203.0.113.9/51000 to outside:198.51.100.1/ssh for user "root"', { event: { action: 'management-login', outcome: 'failure' }, user: { name: 'root' } }],
  ['111010', "%ASA-5-111010: User 'admin', running 'CLI' from IP 10.0.0.9, executed 'write memory'", { event: { action: 'command-executed' }, source: { ip: '10.0.0.9' }, cisco: { asa: { command_line: 'write memory' } } }],
];

/** The ids the tests above read. */
const TESTED_ABOVE = ['302013', '302014', '302015', '302016', '302020', '305011', '305012', '106001', '106006', '106015', '106023', '106100', '113004', '113005', '113019', '605005', '611102', '716001', '722051', '111008'];

describe('cisco_asa – further message ids of the catalogue', () => {
  it.each(MORE_MESSAGES)('cisco_asa – %s maps its fields', (id, body, expected) => {
    const event = parse(body);
    expect(event.event.code).toBe(id);
    expect(event).toMatchObject(expected);
    expect(event).not.toHaveProperty('error');
  });

  it('cisco_asa – every message id the parser knows has a test line (the IPS family 4000nn by two of its ids)', () => {
    const tested = new Set(MORE_MESSAGES.map(([id]) => id));
    for (const id of TESTED_ABOVE) tested.add(id);
    const untested = CISCO_ASA_MESSAGE_IDS.filter((id) => !tested.has(id) && !/^4000[0-5]\d$/.test(id));
    expect(untested).toEqual([]);
    expect(CISCO_ASA_MESSAGE_IDS.filter((id) => !/^4000[0-5]\d$/.test(id)).length).toBeGreaterThanOrEqual(90);
  });

  it('cisco_asa – a known id whose text does not have its layout goes to the dead letters with the id', () => {
    const result = asa.parse(record('<164>Dec 04 2026 10:00:00 asa-fw1 : %ASA-6-109006: Authentication failed for somebody'));
    expect(result.ok ? undefined : result.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'cisco_asa' });
    expect(result.ok ? '' : result.error.message).toMatch(/109006/);
  });
});
