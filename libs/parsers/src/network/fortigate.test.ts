/**
 * Lines written from the FortiOS Log Message Reference (traffic, UTM and
 * event logs, their logids and fields), with documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const fortigate = createParser('fortigate', { now: () => NOW });
const HEAD = 'date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" tz="+0100"';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(rest: string) {
  const result = auto.parse(record(`<189>${HEAD} ${rest}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('fortigate');
  return result.event as Record<string, any>;
}

describe('fortigate – traffic logs', () => {
  it('fortigate – maps a forward traffic log with source NAT, bytes, packets, policy and interfaces', () => {
    const event = parse(
      'logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" eventtime=1796374800123456789 srcip=10.0.0.5 srcport=51000 srcintf="port2" srcintfrole="lan" dstip=198.51.100.20 dstport=443 dstintf="wan1" dstintfrole="wan" sessionid=7465 proto=6 action="close" policyid=3 policytype="policy" poluuid="c2d0b2b4-5a8e-51ea-1e1a-7c1a1f1f0c0a" policyname="LAN-to-WAN" service="HTTPS" trandisp="snat" transip=203.0.113.2 transport=41000 app="HTTPS.BROWSER" duration=116 sentbyte=1188 rcvdbyte=1224 sentpkt=17 rcvdpkt=16',
    );
    expect(event['@timestamp']).toBe('2026-12-04T09:00:00.123Z');
    expect(event.event).toMatchObject({ code: '0000000013', action: 'close', outcome: 'success', category: ['network'], type: ['connection', 'allowed'], duration: 116e9 });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.2', port: 41000 }, bytes: 1188, packets: 17 });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443, bytes: 1224, packets: 16 });
    expect(event.network).toEqual({ transport: 'tcp', application: 'https.browser', bytes: 2412 });
    expect(event.rule).toEqual({ id: '3', name: 'LAN-to-WAN', uuid: 'c2d0b2b4-5a8e-51ea-1e1a-7c1a1f1f0c0a' });
    expect(event.observer).toEqual({
      vendor: 'Fortinet', product: 'Fortigate', type: 'firewall', name: 'FGT-1', serial_number: 'FG100F0000000001',
      ingress: { interface: { name: 'port2' } }, egress: { interface: { name: 'wan1' } },
    });
    expect(event.fortinet.firewall).toMatchObject({ sessionid: '7465', service: 'HTTPS', trandisp: 'snat' });
    expect(event.log.level).toBe('notice');
  });

  it('fortigate – a denied forward session is a failure and denied', () => {
    const event = parse('logid="0000000013" type="traffic" subtype="forward" level="warning" srcip=203.0.113.9 srcport=4431 dstip=10.0.0.5 dstport=22 proto=6 action="deny" policyid=0 service="SSH"');
    expect(event.event).toMatchObject({ action: 'deny', outcome: 'failure', type: ['connection', 'denied'] });
    expect(event['@timestamp']).toBe('2026-12-04T09:00:00.000Z');
  });

  it('fortigate – local traffic to the unit itself, UDP', () => {
    const event = parse('logid="0001000014" type="traffic" subtype="local" level="notice" srcip=10.0.0.7 srcport=5353 dstip=224.0.0.251 dstport=5353 proto=17 action="accept" policyid=0');
    expect(event.network.transport).toBe('udp');
    expect(event.event.type).toEqual(['connection', 'allowed']);
  });

  it('fortigate – destination NAT (virtual IP) goes to destination.nat', () => {
    const event = parse('logid="0000000013" type="traffic" subtype="forward" level="notice" srcip=198.51.100.40 srcport=50123 dstip=203.0.113.80 dstport=443 proto=6 action="accept" policyid=7 trandisp="dnat" tranip=10.0.0.80 tranport=8443');
    expect(event.destination).toEqual({ ip: '203.0.113.80', port: 443, nat: { ip: '10.0.0.80', port: 8443 } });
  });
});

describe('fortigate – UTM logs', () => {
  it('fortigate – antivirus: malware category, the virus as reason, the URL', () => {
    const event = parse('logid="0211008192" type="utm" subtype="virus" eventtype="infected" level="warning" srcip=10.0.0.5 dstip=198.51.100.80 srcport=51010 dstport=80 proto=6 action="blocked" service="HTTP" hostname="downloads.example.com" url="/files/setup.exe" virus="EICAR_TEST_FILE" dtype="Virus" msg="File is infected."');
    expect(event.event).toMatchObject({ category: ['malware'], type: ['denied'], outcome: 'failure', reason: 'EICAR_TEST_FILE' });
    expect(event.url).toEqual({ domain: 'downloads.example.com', path: '/files/setup.exe', original: 'downloads.example.com/files/setup.exe' });
    expect(event.message).toBe('File is infected.');
  });

  it('fortigate – web filter block', () => {
    const event = parse('logid="0316013056" type="utm" subtype="webfilter" eventtype="ftgd_blk" level="warning" srcip=10.0.0.5 dstip=198.51.100.81 proto=6 action="blocked" hostname="gambling.example.net" url="/" cat=23 catdesc="Gambling" msg="URL belongs to a denied category in policy"');
    expect(event.event).toMatchObject({ category: ['web', 'network'], type: ['denied'] });
    expect(event.fortinet.firewall.catdesc).toBe('Gambling');
  });

  it('fortigate – IPS attack detected and dropped', () => {
    const event = parse('logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" severity="critical" srcip=203.0.113.66 dstip=10.0.0.80 srcport=40000 dstport=80 proto=6 action="dropped" attack="Apache.Log4j.Error.Log.Remote.Code.Execution" attackid=51006');
    expect(event.event).toMatchObject({ category: ['intrusion_detection', 'network'], outcome: 'failure', reason: 'Apache.Log4j.Error.Log.Remote.Code.Execution' });
  });

  it('fortigate – application control', () => {
    const event = parse('logid="1059028704" type="utm" subtype="app-ctrl" eventtype="signature" level="information" srcip=10.0.0.5 dstip=198.51.100.90 proto=6 action="pass" app="BitTorrent" appcat="P2P"');
    expect(event.event).toMatchObject({ action: 'pass', outcome: 'success' });
    expect(event.network.application).toBe('bittorrent');
  });
});

describe('fortigate – event logs', () => {
  it('fortigate – administrator login failed and succeeded', () => {
    const failed = parse('logid="0100032002" type="event" subtype="system" level="alert" logdesc="Admin login failed" srcip=198.51.100.99 user="admin" ui="https(198.51.100.99)" method="https" action="login" status="failed" reason="passwd_invalid" msg="Administrator admin login failed from https(198.51.100.99) because of invalid password"');
    expect(failed.user).toEqual({ name: 'admin' });
    expect(failed.source).toEqual({ ip: '198.51.100.99' });
    expect(failed.fortinet.firewall.status).toBe('failed');
    const ok = parse('logid="0100032001" type="event" subtype="system" level="information" logdesc="Admin login successful" srcip=10.0.0.50 user="admin" action="login" status="success"');
    expect(ok.event).toMatchObject({ action: 'login', outcome: 'success', category: ['host'] });
  });

  it('fortigate – firewall user authentication', () => {
    const event = parse('logid="0102043009" type="event" subtype="user" level="notice" srcip=10.0.0.60 user="bob" authproto="HTTPS(10.0.0.60)" action="authentication" status="failure" reason="N/A" msg="User bob failed in authentication"');
    expect(event.event.category).toEqual(['authentication']);
    expect(event.user).toEqual({ name: 'bob' });
  });

  it('fortigate – VPN tunnel up', () => {
    const event = parse('logid="0101037138" type="event" subtype="vpn" level="notice" logdesc="IPsec connection status changed" msg="IPsec connection status change" action="tunnel-up" remip=198.51.100.200 locip=203.0.113.2 remport=500 locport=500 outintf="wan1" vpntunnel="to-branch"');
    expect(event.event).toMatchObject({ action: 'tunnel-up', category: ['network'] });
    expect(event.fortinet.firewall.vpntunnel).toBe('to-branch');
  });

  it('fortigate – a configuration change', () => {
    const event = parse('logid="0100044547" type="event" subtype="system" level="information" logdesc="Object attribute configured" user="admin" ui="GUI(10.0.0.50)" action="Edit" cfgtid=1234 cfgpath="firewall.policy" cfgobj="3" cfgattr="status[enable->disable]" msg="Edit firewall.policy 3"');
    expect(event.fortinet.firewall).toMatchObject({ cfgpath: 'firewall.policy', cfgattr: 'status[enable->disable]' });
    expect(event.user).toEqual({ name: 'admin' });
  });
});

describe('fortigate – times and bad input', () => {
  it('fortigate – reads eventtime in seconds and date/time without a zone in the configured zone', () => {
    const seconds = auto.parse(record('<189>date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" logid="0000000013" type="traffic" subtype="forward" eventtime=1796378400 srcip=10.0.0.5 dstip=198.51.100.20 action="accept"'));
    expect(seconds.ok && seconds.event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    const local = createParser('auto', { now: () => NOW, timezone: 'Europe/Berlin' }).parse(record('<189>date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" logid="0000000013" type="traffic" subtype="forward" srcip=10.0.0.5 dstip=198.51.100.20 action="accept"'));
    expect(local.ok && local.event['@timestamp']).toBe('2026-12-04T09:00:00.000Z');
  });

  it('fortigate – a line with devid but no logid is kept under auto with a failure tag, and dead-lettered by the fortigate parser', () => {
    const line = '<189>date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F0000000001" type="traffic" srcip=10.0.0.5';
    const kept = auto.parse(record(line));
    expect(kept.ok && kept.event.tags).toContain('fortigate_parse_failure');
    const refused = fortigate.parse(record(line));
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'fortigate' });
  });

  it('fortigate – consecutive lines of different log types keep their own pairs, quoted spaces, escaped quotes, empty and repeated keys', () => {
    const parser = createParser('fortigate', { now: () => NOW });
    const pairsOf = (rest: string) => {
      const result = parser.parse(record(`<189>${HEAD} ${rest}`));
      if (!result.ok) throw new Error(result.error.message);
      return (result.event as Record<string, any>).fortinet.firewall as Record<string, string>;
    };
    const traffic = 'logid="0000000013" type="traffic" subtype="forward" srcip=10.0.0.5 action="close"';
    expect(pairsOf(traffic)).toMatchObject({ devname: 'FGT-1', srcip: '10.0.0.5', action: 'close' });
    expect(pairsOf(traffic.replace('10.0.0.5', '10.0.0.6'))).toMatchObject({ srcip: '10.0.0.6', action: 'close' });
    const event = pairsOf('logid="0100032001" type="event" subtype="system" msg="Administrator \\"admin\\" logged in" user="" logid="0100032002"');
    expect(Object.keys(event)).toEqual(['date', 'time', 'devname', 'devid', 'tz', 'logid', 'type', 'subtype', 'msg', 'user']);
    expect(event).toMatchObject({ msg: 'Administrator "admin" logged in', user: '', logid: '0100032002' });
    expect(pairsOf(traffic)).not.toHaveProperty('msg');
  });

  it('fortigate – invalid UTF-8 and a line over the size limit go to the dead letters with the reason', () => {
    const invalid = Buffer.concat([Buffer.from(`<189>${HEAD} logid="0000000013" type="traffic" msg="`), Buffer.from([0xc3, 0x28]), Buffer.from('"')]);
    const refused = fortigate.parse({ ...record(''), payload: invalid });
    expect(refused.ok ? undefined : refused.error.code).toBe('SIEM_PARSE_INVALID_UTF8');
    const small = createParser('fortigate', { now: () => NOW, maxMessageBytes: 64 });
    const large = small.parse(record(`<189>${HEAD} logid="0000000013" type="traffic" subtype="forward" srcip=10.0.0.5`));
    expect(large.ok ? undefined : large.error.code).toBe('SIEM_PARSE_TOO_LARGE');
  });

  it('fortigate – key=value lines of other products are not taken for FortiGate', () => {
    const result = auto.parse(record('<13>date=2026-12-04 time=10:00:00 host=web-1 status=ok'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc3164');
  });
});
