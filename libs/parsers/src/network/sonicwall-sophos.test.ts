/**
 * SonicWall lines written from the SonicOS Log Events Reference Guide (its
 * syslog tag field descriptions and message ids); Sophos Firewall lines from
 * the Sophos Firewall syslog guide ("Syslog descriptions": log_id layout,
 * field names per log type). Documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const sonicwall = createParser('sonicwall', { now: () => NOW });
const sophos = createParser('sophos_xg', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(line: string, dataset: string) {
  const result = auto.parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe(dataset);
  return result.event as Record<string, any>;
}

const SW = '<134>id=firewall sn=0040100A1B2C time="2026-12-04 10:00:00 UTC" fw=203.0.113.1 pri=6';
const sw = (rest: string) => parse(`${SW} ${rest}`, 'sonicwall');

describe('sonicwall', () => {
  it('sonicwall – a closed connection with interfaces, zones, bytes, rule and NAT', () => {
    const event = sw('c=1024 m=537 msg="Connection Closed" app=49169 appName="General HTTPS" n=1157 src=10.0.0.5:51000:X0 dst=198.51.100.20:443:X1 srcZone=LAN dstZone=WAN natSrc=203.0.113.1:41000 proto=tcp/https sent=1188 rcvd=1224 spkt=17 rpkt=16 rule="22 (LAN->WAN)"');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ code: '537', action: 'connection-closed', category: ['network'], type: ['connection', 'end'] });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.1', port: 41000 }, bytes: 1188, packets: 17 });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443, bytes: 1224, packets: 16 });
    expect(event.observer).toMatchObject({ vendor: 'SonicWall', product: 'SonicOS', type: 'firewall', serial_number: '0040100A1B2C', ip: '203.0.113.1', ingress: { interface: { name: 'X0' }, zone: 'LAN' }, egress: { interface: { name: 'X1' }, zone: 'WAN' } });
    expect(event.network).toEqual({ transport: 'tcp', protocol: 'https', application: 'general https' });
    expect(event.rule).toEqual({ name: '22 (LAN->WAN)' });
    expect(event.log.level).toBe('informational');
    expect(event.message).toBe('Connection Closed');
  });

  it('sonicwall – a connection opened', () => {
    expect(sw('c=262144 m=98 msg="Connection Opened" src=10.0.0.5:63045:X0 dst=198.51.100.53:53:X1 proto=udp/dns sent=120').event.type).toEqual(['connection', 'start']);
  });

  it('sonicwall – a dropped TCP packet with fw_action', () => {
    const event = sw('c=32 m=36 msg="TCP packet dropped" src=203.0.113.9:4431:X1 dst=10.0.0.5:22:X0 proto=tcp/ssh fw_action="drop"');
    expect(event.event).toMatchObject({ action: 'drop', outcome: 'failure', type: ['connection', 'denied'] });
  });

  it('sonicwall – a web site hit and a blocked web site', () => {
    const hit = sw('c=1024 m=97 msg="Web site hit" src=10.0.0.7:50000:X0 dst=198.51.100.80:80:X1 dstname=www.example.com arg=/index.html result=200 proto=tcp/http');
    expect(hit.event).toMatchObject({ category: ['web', 'network'], type: ['access'], outcome: 'success' });
    expect(hit.url).toEqual({ domain: 'www.example.com', path: '/index.html' });
    expect(hit.http).toEqual({ response: { status_code: 200 } });
    expect(hit.destination.domain).toBe('www.example.com');
    const blocked = sw('c=32 m=14 msg="Web site access denied" src=10.0.0.7:50001:X0 dst=198.51.100.81:80:X1 dstname=gambling.example.net arg=/ Category="Gambling"');
    expect(blocked.event).toMatchObject({ type: ['denied'], outcome: 'failure' });
  });

  it('sonicwall – user and SSL VPN logins', () => {
    const login = sw('c=4 m=1080 msg="SSL VPN zone remote user login allowed" src=198.51.100.7:0:X1 dst=203.0.113.1:4433:X1 usr="alice"');
    expect(login.event).toMatchObject({ category: ['authentication'], type: ['start'], outcome: 'success' });
    expect(login.user).toEqual({ name: 'alice' });
    const failed = sw('c=4 m=560 msg="User login denied due to bad credentials" src=203.0.113.9:0:X1 usr="admin"');
    expect(failed.event.outcome).toBe('failure');
  });

  it('sonicwall – intrusion prevention and a spoof', () => {
    const ips = sw('c=32 m=608 msg="IPS Detection Alert: WEB-ATTACKS Apache Log4j" sid=15100 src=203.0.113.9:4431:X1 dst=10.0.0.80:80:X0 proto=tcp/http');
    expect(ips.event.category).toEqual(['intrusion_detection', 'network']);
    expect(ips.sonicwall.firewall.sid).toBe('15100');
    expect(sw('c=32 m=82 msg="Possible spoof detected" src=10.0.0.99:0:X1 dst=10.0.0.5:0:X0').event.outcome).toBe('failure');
  });

  it('sonicwall – a line without m= goes to the dead letters with the reason', () => {
    const result = sonicwall.parse(record('id=firewall sn=0040100A1B2C time="2026-12-04 10:00:00" fw=203.0.113.1 pri=6 msg="Connection Closed"'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/m=/);
    }
  });
});

const XG = '<30>device="SFW" date=2026-12-04 time=10:00:00 timezone="UTC" device_name="XG230" device_id=C01001K234RXPA1';
const xg = (rest: string) => parse(`${XG} ${rest}`, 'sophos_xg');

describe('sophos_xg', () => {
  it('sophos_xg – an allowed firewall session with NAT, zones, interfaces and rule', () => {
    const event = xg('log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" status="Allow" priority=Information duration=53 fw_rule_id=3 fw_rule_name="LAN to WAN" user_name="alice" application="HTTPS" in_interface="Port1" out_interface="Port2" src_mac=00:16:3e:00:00:01 src_ip=10.0.0.5 dst_ip=198.51.100.20 protocol="TCP" src_port=51000 dst_port=443 sent_pkts=17 recv_pkts=16 sent_bytes=1188 recv_bytes=1224 tran_src_ip=203.0.113.2 tran_src_port=41000 tran_dst_ip= tran_dst_port=0 srczone="LAN" dstzone="WAN"');
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ code: '010101600001', action: 'allow', outcome: 'success', category: ['network'], type: ['connection', 'allowed'], duration: 53e9 });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.2', port: 41000 }, bytes: 1188, packets: 17, mac: '00:16:3e:00:00:01' });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443, bytes: 1224, packets: 16 });
    expect(event.observer).toEqual({ vendor: 'Sophos', product: 'XG', type: 'firewall', name: 'XG230', serial_number: 'C01001K234RXPA1', ingress: { zone: 'LAN', interface: { name: 'Port1' } }, egress: { zone: 'WAN', interface: { name: 'Port2' } } });
    expect(event.rule).toEqual({ id: '3', name: 'LAN to WAN' });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.network).toEqual({ transport: 'tcp', application: 'https' });
    expect(event.log.level).toBe('information');
  });

  it('sophos_xg – a denied firewall packet', () => {
    const event = xg('log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority=Information fw_rule_id=0 src_ip=203.0.113.9 dst_ip=10.0.0.5 protocol="TCP" src_port=4431 dst_port=22');
    expect(event.event).toMatchObject({ action: 'deny', outcome: 'failure', type: ['connection', 'denied'] });
  });

  it('sophos_xg – IPS (IDP) drop with the signature', () => {
    const event = xg('log_id=020804401002 log_type="IDP" log_component="Signatures" log_subtype="Drop" priority=Warning idp_policy_id=1 signature_id=58722 signature_msg="SERVER-APACHE Apache Log4j logging remote code execution attempt" classification="Attempted User Privilege Gain" src_ip=203.0.113.9 dst_ip=10.0.0.80 protocol="TCP" src_port=4431 dst_port=80');
    expect(event.event).toMatchObject({ category: ['intrusion_detection', 'network'], type: ['denied'], outcome: 'failure', reason: 'SERVER-APACHE Apache Log4j logging remote code execution attempt' });
  });

  it('sophos_xg – anti-virus on HTTP names the virus', () => {
    const event = xg('log_id=030906208001 log_type="Anti-Virus" log_component="HTTP" log_subtype="Virus" status="" priority=Critical user_name="bob" virus="EICAR-AV-Test" url="http://www.example.com/eicar.com" domain=www.example.com src_ip=10.0.0.7 dst_ip=198.51.100.80 src_port=50000 dst_port=80');
    expect(event.event).toMatchObject({ category: ['malware', 'network'], reason: 'EICAR-AV-Test' });
    expect(event.url).toEqual({ original: 'http://www.example.com/eicar.com', domain: 'www.example.com' });
  });

  it('sophos_xg – web filter denied and allowed', () => {
    const denied = xg('log_id=050901616001 log_type="Content Filtering" log_component="HTTP" log_subtype="Denied" status="" priority=Information category="Gambling" url="http://gambling.example.net/" domain=gambling.example.net user_name="bob" src_ip=10.0.0.7 dst_ip=198.51.100.81');
    expect(denied.event).toMatchObject({ category: ['web', 'network'], type: ['denied'], outcome: 'failure' });
    expect(xg('log_id=050901616002 log_type="Content Filtering" log_component="HTTP" log_subtype="Allowed" priority=Information url="http://www.example.com/" src_ip=10.0.0.7 dst_ip=198.51.100.80').event.type).toEqual(['allowed']);
  });

  it('sophos_xg – authentication events succeed and fail', () => {
    const ok = xg('log_id=062910617701 log_type="Event" log_component="Firewall Authentication" log_subtype="Authentication" status="Successful" priority=Information user_name="alice" src_ip=10.0.0.7 auth_client="Web Client" message="User alice of group Open Group logged in successfully to Firewall through AD authentication mechanism from 10.0.0.7"');
    expect(ok.event).toMatchObject({ category: ['authentication'], type: ['start'], outcome: 'success' });
    expect(ok.message).toMatch(/logged in successfully/);
    const failed = xg('log_id=062910617702 log_type="Event" log_component="Firewall Authentication" log_subtype="Authentication" status="Failed" priority=Information user_name="mallory" src_ip=203.0.113.9 message="User mallory failed to login to Firewall through Local authentication mechanism because of wrong credentials"');
    expect(failed.event.outcome).toBe('failure');
  });

  it('sophos_xg – the SFOS 19.5 layout with timestamp and an ATP event', () => {
    const event = parse('<30>device_name="SFW" timestamp="2026-12-04T10:00:00+0100" device_model="XGS2100" device_serial_id="X21000000001" log_id=086304418010 log_type="ATP" log_component="Web" log_subtype="Drop" severity="Warning" threatname="C2/Generic-A" src_ip=10.0.0.7 dst_ip=198.51.100.66 protocol="TCP" src_port=50000 dst_port=443', 'sophos_xg');
    expect(event['@timestamp']).toBe('2026-12-04T09:00:00.000Z');
    expect(event.event).toMatchObject({ category: ['malware', 'network'], outcome: 'failure' });
  });

  it('sophos_xg – system and VPN events keep the common fields', () => {
    expect(xg('log_id=063411660001 log_type="Event" log_component="IPSec" log_subtype="System" status="Established" priority=Notice connectionname="branch-1" remotepeer=198.51.100.50 message="branch-1 - Connection Established"').event).toMatchObject({ action: 'established', outcome: 'success' });
    expect(xg('log_id=063110617710 log_type="Event" log_component="GUI" log_subtype="Admin" status="Successful" priority=Information user_name="admin" src_ip=192.0.2.9 message="Firewall Rule LAN to WAN was modified by admin"').event.code).toBe('063110617710');
  });

  it('sophos_xg – a line without a 12-digit log_id goes to the dead letters with the reason', () => {
    const result = sophos.parse(record('device="SFW" date=2026-12-04 time=10:00:00 log_id=123 log_type="Firewall" src_ip=10.0.0.5'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/log_id/);
    }
  });
});
