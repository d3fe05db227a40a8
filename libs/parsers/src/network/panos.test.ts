/**
 * Lines written from PAN-OS's "Syslog Field Descriptions" (TRAFFIC, THREAT,
 * SYSTEM and CONFIG log formats, fields by position), with documentation addresses.
 */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';
import { splitCsv } from './panos';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const panos = createParser('panos', { now: () => NOW });
const T = '2026/12/04 10:00:00';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(csv: string) {
  const result = auto.parse(record(`<14>Dec  4 10:00:01 PA-VM ${csv}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('panos');
  return result.event as Record<string, any>;
}

/** A TRAFFIC record: positions 0–46 of the documented format. */
function trafficLog(subtype: string, action: string, reason: string, nat = '203.0.113.2,198.51.100.20', natPorts = '50464,443') {
  return `1,${T},012801096514,TRAFFIC,${subtype},2561,${T},10.0.0.5,198.51.100.20,${nat},LAN-out,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,${T},72568134,1,49583,443,${natPorts},0x40441a,tcp,${action},7312,2228,5084,22,2026/12/04 09:59:44,16,business-and-economy,,7253419119627122716,0x8000000000000000,10.0.0.0-10.255.255.255,United States,,12,10,${reason}`;
}

/** A THREAT record: positions 0–41. */
function threatLog(subtype: string, action: string, target: string, threat: string, severity: string) {
  return `1,${T},012801096514,THREAT,${subtype},2561,${T},10.0.0.5,198.51.100.80,203.0.113.2,198.51.100.80,LAN-out,corp\\alice,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,${T},72568135,1,49584,80,50465,80,0x400000,tcp,${action},"${target}",${threat},computer-and-internet-info,${severity},client-to-server,7253419119627122717,0x8000000000000000,10.0.0.0-10.255.255.255,United States,,text/html`;
}

describe('panos – TRAFFIC', () => {
  it('panos – maps an end-of-session log: NAT, users, zones, bytes, packets, duration and reason', () => {
    const event = parse(trafficLog('end', 'allow', 'tcp-fin'));
    expect(event['@timestamp']).toBe('2026-12-04T10:00:00.000Z');
    expect(event.event).toMatchObject({ action: 'flow_terminated', outcome: 'success', category: ['network'], type: ['connection', 'end'], duration: 16e9, reason: 'tcp-fin' });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 49583, user: { name: 'corp\\alice' }, nat: { ip: '203.0.113.2', port: 50464 }, bytes: 2228, packets: 12 });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443, nat: { ip: '198.51.100.20', port: 443 }, bytes: 5084, packets: 10 });
    expect(event.network).toEqual({ transport: 'tcp', application: 'ssl', bytes: 7312, packets: 22 });
    expect(event.rule).toEqual({ name: 'LAN-out' });
    expect(event.user).toEqual({ name: 'corp\\alice' });
    expect(event.observer).toEqual({
      vendor: 'Palo Alto Networks', product: 'PAN-OS', type: 'firewall', serial_number: '012801096514',
      ingress: { zone: 'trust', interface: { name: 'ethernet1/2' } }, egress: { zone: 'untrust', interface: { name: 'ethernet1/1' } },
    });
    expect(event.panw.panos).toMatchObject({ type: 'TRAFFIC', sub_type: 'end', session_id: '72568134', virtual_sys: 'vsys1', url_category: 'business-and-economy', action: 'allow' });
  });

  it('panos – start, deny and drop logs', () => {
    expect(parse(trafficLog('start', 'allow', 'n/a')).event).toMatchObject({ action: 'flow_started', type: ['connection', 'start'] });
    const denied = parse(trafficLog('deny', 'deny', 'policy-deny', '0.0.0.0,0.0.0.0', '0,0'));
    expect(denied.event).toMatchObject({ action: 'flow_denied', outcome: 'failure', type: ['connection', 'denied'] });
    expect(denied.source).not.toHaveProperty('nat');
    expect(parse(trafficLog('drop', 'drop', 'policy-deny')).event).toMatchObject({ action: 'flow_dropped', outcome: 'failure' });
  });
});

describe('panos – THREAT', () => {
  it('panos – a URL filtering log with the URL quoted (it may hold commas)', () => {
    const event = parse(threatLog('url', 'alert', 'www.example.com/search?q=a,b', '(9999)', 'informational'));
    expect(event.url).toEqual({ original: 'www.example.com/search?q=a,b' });
    expect(event.event).toMatchObject({ kind: 'event', action: 'url_detected', outcome: 'success', category: ['network', 'web'] });
    expect(event.log.level).toBe('informational');
    expect(event.panw.panos).toMatchObject({ direction: 'client-to-server', url_category: 'computer-and-internet-info' });
  });

  it('panos – virus, spyware and vulnerability logs', () => {
    const virus = parse(threatLog('virus', 'reset-both', 'eicar.com', 'Eicar Test File(100000)', 'medium'));
    expect(virus.event).toMatchObject({ kind: 'alert', category: ['malware'], outcome: 'failure', type: ['denied'] });
    expect(virus.file).toEqual({ name: 'eicar.com' });
    expect(virus.panw.panos.threat).toEqual({ name: 'Eicar Test File(100000)' });
    expect(parse(threatLog('spyware', 'drop', '', 'Suspicious DNS Query(109010001)', 'high')).event.category).toEqual(['malware', 'intrusion_detection']);
    expect(parse(threatLog('vulnerability', 'block-ip', '', 'Apache Log4j RCE(91991)', 'critical')).event.category).toEqual(['intrusion_detection', 'network']);
  });
});

describe('panos – SYSTEM and CONFIG', () => {
  it('panos – a SYSTEM log: event id, module, severity and the quoted description', () => {
    const event = parse(`1,${T},012801096514,SYSTEM,auth,0,${T},,auth-fail,admin,0,0,general,medium,"failed authentication for user 'admin'. Reason: Invalid username/password. From: 198.51.100.99.",1234567,0x0,0,0,0,0,,PA-VM`);
    expect(event.event).toMatchObject({ action: 'auth-fail', category: ['host'] });
    expect(event.message).toBe("failed authentication for user 'admin'. Reason: Invalid username/password. From: 198.51.100.99.");
    expect(event.log.level).toBe('medium');
    expect(event.panw.panos).toMatchObject({ type: 'SYSTEM', sub_type: 'auth', event_id: 'auth-fail', object: 'admin', module: 'general' });
  });

  it('panos – a CONFIG log: the administrator, the command and its result', () => {
    const event = parse(`1,${T},012801096514,CONFIG,0,0,${T},10.0.0.50,,edit,admin,Web,Succeeded, vsys  vsys1 rulebase security rules  LAN-out,1234568,0x0`);
    expect(event.event).toMatchObject({ category: ['configuration'], type: ['change'], action: 'edit', outcome: 'success' });
    expect(event.user).toEqual({ name: 'admin' });
    expect(event.source).toEqual({ ip: '10.0.0.50' });
    expect(event.panw.panos).toMatchObject({ client: 'Web', result: 'Succeeded' });
  });
});

describe('panos – CSV and bad input', () => {
  it('panos – splits quoted fields with commas and doubled quotes', () => {
    expect(splitCsv('a,"b,c","say ""hi""",,d')).toEqual(['a', 'b,c', 'say "hi"', '', 'd']);
    expect(splitCsv('a,"unterminated, rest')).toEqual(['a', 'unterminated, rest']);
  });

  it('panos – a cut TRAFFIC record is tagged under auto and dead-lettered by the panos parser', () => {
    const line = `<14>Dec  4 10:00:01 PA-VM 1,${T},012801096514,TRAFFIC,end,2561,${T},10.0.0.5,198.51.100.20`;
    const kept = auto.parse(record(line));
    expect(kept.ok && kept.event.tags).toContain('panos_parse_failure');
    const refused = panos.parse(record(line));
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'panos' });
  });

  it('panos – other CSV bodies starting with 1, stay plain syslog', () => {
    const result = auto.parse(record('<14>Dec  4 10:00:01 host-1 1,2,3,4'));
    expect(result.ok && result.event.event.dataset).toBe('syslog_rfc3164');
  });
});
