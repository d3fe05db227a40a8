/**
 * Lines written from Check Point's Log Exporter guide (syslog format) and its
 * Log Fields Description (field names and values per blade), with
 * documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const checkpoint = createParser('checkpoint', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(pairs: string) {
  const result = auto.parse(record(`<134>1 2026-12-04T10:00:00Z gw-1 CheckPoint 2301 - [${pairs}]`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('checkpoint');
  return result.event as Record<string, any>;
}

const COMMON = 'flags:"411908"; ifdir:"inbound"; ifname:"eth1"; logid:"0"; loguid:"{0x6a4d2b1c,0x0,0x3f0a0b0c,0xc0000000}"; origin:"192.0.2.10"; originsicname:"CN=gw-1,O=mgmt.example.com.abc123"; sequencenum:"7"; time:"1796378400"; version:"5"';

describe('checkpoint – firewall', () => {
  it('checkpoint – a dropped connection with rule, interface and observer', () => {
    const event = parse(`action:"Drop"; ${COMMON}; src:"203.0.113.9"; dst:"10.0.0.5"; proto:"6"; s_port:"4431"; service:"22"; product:"VPN-1 & FireWall-1"; rule_name:"Stealth"; rule_uid:"4a6e2b8c-1d2e-4f5a-9b8c-7d6e5f4a3b2c"; layer_name:"Network"; drop_reason:"matched rule"`);
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ action: 'drop', outcome: 'failure', category: ['network'], type: ['connection', 'denied'], id: '{0x6a4d2b1c,0x0,0x3f0a0b0c,0xc0000000}', sequence: 7, reason: 'matched rule' });
    expect(event.source).toEqual({ ip: '203.0.113.9', port: 4431 });
    expect(event.destination).toEqual({ ip: '10.0.0.5', port: 22 });
    expect(event.network).toEqual({ iana_number: '6', transport: 'tcp' });
    expect(event.rule).toEqual({ name: 'Stealth', uuid: '4a6e2b8c-1d2e-4f5a-9b8c-7d6e5f4a3b2c', ruleset: 'Network' });
    expect(event.observer).toEqual({ vendor: 'Checkpoint', type: 'firewall', product: 'VPN-1 & FireWall-1', ip: '192.0.2.10', ingress: { interface: { name: 'eth1' } } });
    expect(event.checkpoint.originsicname).toBe('CN=gw-1,O=mgmt.example.com.abc123');
    expect(event.log.syslog.appname).toBe('CheckPoint');
  });

  it('checkpoint – an accepted outbound connection with source NAT, bytes and packets', () => {
    const event = parse(`action:"Accept"; ifdir:"outbound"; ifname:"eth0"; time:"1796378400"; src:"10.0.0.5"; dst:"198.51.100.20"; proto:"6"; s_port:"51000"; service:"443"; xlatesrc:"203.0.113.2"; xlatesport:"41000"; xlatedst:"0.0.0.0"; xlatedport:"0"; client_outbound_bytes:"1188"; server_outbound_bytes:"1224"; client_outbound_packets:"17"; server_outbound_packets:"16"; bytes:"2412"; packets:"33"; product:"VPN-1 & FireWall-1"`);
    expect(event.event).toMatchObject({ action: 'accept', outcome: 'success', type: ['connection', 'allowed'] });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.2', port: 41000 }, bytes: 1188, packets: 17 });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443, bytes: 1224, packets: 16 });
    expect(event.network).toMatchObject({ bytes: 2412, packets: 33 });
    expect(event.observer.egress).toEqual({ interface: { name: 'eth0' } });
    expect([...event.related.ip].sort()).toEqual(['10.0.0.5', '198.51.100.20', '203.0.113.2']);
  });

  it('checkpoint – a rejected UDP packet and destination NAT', () => {
    const event = parse(`action:"Reject"; time:"1796378400"; src:"198.51.100.40"; dst:"203.0.113.80"; proto:"17"; s_port:"5353"; service:"53"; xlatedst:"10.0.0.53"; xlatedport:"5353"; product:"VPN-1 & FireWall-1"`);
    expect(event.event).toMatchObject({ action: 'reject', outcome: 'failure' });
    expect(event.destination.nat).toEqual({ ip: '10.0.0.53', port: 5353 });
    expect(event.network.transport).toBe('udp');
  });
});

describe('checkpoint – blades', () => {
  it('checkpoint – IPS prevent names the protection', () => {
    const event = parse(`action:"Prevent"; time:"1796378400"; src:"203.0.113.9"; dst:"10.0.0.80"; proto:"6"; service:"80"; product:"IPS"; protection_name:"Apache Log4j Remote Code Execution"; protection_id:"asm_dynamic_prop_CVE_2021_44228"; severity:"Critical"; confidence_level:"High"`);
    expect(event.event).toMatchObject({ action: 'prevent', outcome: 'failure', category: ['intrusion_detection', 'network'], type: ['denied'] });
    expect(event.rule).toEqual({ name: 'Apache Log4j Remote Code Execution', id: 'asm_dynamic_prop_CVE_2021_44228' });
  });

  it('checkpoint – Anti-Bot and Anti-Virus detections are malware', () => {
    const bot = parse(`action:"Detect"; time:"1796378400"; src:"10.0.0.7"; dst:"198.51.100.66"; product:"Anti Bot"; malware_family:"Emotet"; protection_name:"Trojan.Win32.Emotet.TC.a"`);
    expect(bot.event).toMatchObject({ action: 'detect', category: ['malware', 'network'], type: ['info'] });
    expect(bot.threat).toEqual({ software: { name: 'Emotet' } });
    const virus = parse(`action:"Prevent"; time:"1796378400"; src:"198.51.100.66"; dst:"10.0.0.7"; product:"Anti-Virus"; file_name:"invoice.doc"; malware_action:"Malicious file"`);
    expect(virus.event.category).toEqual(['malware', 'network']);
    expect(virus.file).toEqual({ name: 'invoice.doc' });
  });

  it('checkpoint – URL Filtering block with the resource and the user', () => {
    const event = parse(`action:"Block"; time:"1796378400"; src:"10.0.0.7"; dst:"198.51.100.80"; product:"URL Filtering"; resource:"http://gambling.example.net/play"; src_user_name:"alice"; matched_category:"Gambling"`);
    expect(event.event).toMatchObject({ action: 'block', category: ['web', 'network'], type: ['denied'] });
    expect(event.url).toEqual({ original: 'http://gambling.example.net/play' });
    expect(event.user).toEqual({ name: 'alice' });
    expect(event.source.user).toEqual({ name: 'alice' });
  });

  it('checkpoint – Application Control allows an application', () => {
    const event = parse(`action:"Allow"; time:"1796378400"; src:"10.0.0.7"; dst:"198.51.100.90"; proto:"6"; service:"443"; product:"Application Control"; appi_name:"Dropbox"; app_risk:"3"`);
    expect(event.network.application).toBe('dropbox');
    expect(event.event.type).toEqual(['connection', 'allowed']);
  });

  it('checkpoint – Identity Awareness and VPN logins and failures', () => {
    const login = parse(`action:"Log In"; time:"1796378400"; src:"198.51.100.7"; product:"Identity Awareness"; user:"bob"; auth_method:"Kerberos"; auth_status:"Successful Login"`);
    expect(login.event).toMatchObject({ action: 'log in', outcome: 'success', category: ['authentication'], type: ['start'] });
    expect(login.user).toEqual({ name: 'bob' });
    const failed = parse(`action:"Failed Log In"; time:"1796378400"; src:"203.0.113.9"; product:"Mobile Access"; user:"mallory"; reason:"Wrong password"`);
    expect(failed.event).toMatchObject({ outcome: 'failure', category: ['authentication'], reason: 'Wrong password' });
  });

  it('checkpoint – a VPN key install and an escaped value', () => {
    const event = parse(`action:"Key Install"; time:"1796378400"; src:"203.0.113.50"; dst:"192.0.2.10"; product:"VPN-1 & FireWall-1"; peer_gateway:"203.0.113.50"; __policy_id_tag:"product=VPN-1 & FireWall-1[db_tag={ABC};mgmt=mgmt;date=1796370000;policy_name=Standard\\]"`);
    expect(event.event).toMatchObject({ action: 'key install', outcome: 'success', type: ['connection', 'allowed'] });
    expect(event.checkpoint.__policy_id_tag).toBe('product=VPN-1 & FireWall-1[db_tag={ABC};mgmt=mgmt;date=1796370000;policy_name=Standard]');
  });
});

describe('checkpoint – bad input', () => {
  it('checkpoint – a record cut inside a value goes to the dead letters with the reason', () => {
    const result = checkpoint.parse(record('<134>1 2026-12-04T10:00:00Z gw-1 CheckPoint 2301 - [action:"Drop"; src:"203.0.113.9'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
      expect(result.error.message).toMatch(/closing bracket/);
    }
  });

  it('checkpoint – the same cut record under auto is kept and tagged', () => {
    const result = auto.parse(record('<134>1 2026-12-04T10:00:00Z gw-1 CheckPoint 2301 - [action:"Drop"; src:"203.0.113.9'));
    expect(result.ok && result.event.tags).toEqual(['checkpoint_parse_failure']);
  });
});
