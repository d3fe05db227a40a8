/** Lines written from Netgate's "Raw Filter Log Format" (pfSense; OPNsense writes the same records). */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const pfsense = createParser('pfsense', { now: () => NOW });

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(csv: string) {
  const result = auto.parse(record(`<134>Dec  4 10:00:00 filterlog[4021]: ${csv}`));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('pfsense');
  return result.event as Record<string, any>;
}

describe('pfsense – filterlog records', () => {
  it('pfsense – an IPv4 TCP block: rule, interface, reason, addresses, ports and TCP fields', () => {
    const event = parse('5,,,1000000103,igb0,match,block,in,4,0x0,,64,12345,0,DF,6,tcp,60,203.0.113.9,10.0.0.5,4431,22,0,S,1234567,,64240,,mss;sackOK;TS;nop;wscale');
    expect(event.event).toMatchObject({ action: 'block', outcome: 'failure', reason: 'match', category: ['network'], type: ['connection', 'denied'] });
    expect(event.source).toEqual({ ip: '203.0.113.9', port: 4431 });
    expect(event.destination).toEqual({ ip: '10.0.0.5', port: 22 });
    expect(event.network).toEqual({ type: 'ipv4', transport: 'tcp', direction: 'inbound', bytes: 60 });
    expect(event.rule).toEqual({ id: '1000000103' });
    expect(event.observer).toEqual({ vendor: 'Netgate', product: 'pfSense', type: 'firewall', ingress: { interface: { name: 'igb0' } } });
    expect(event.pfsense).toEqual({ ip: { tos: '0x0', ttl: 64, id: 12345, offset: 0, flags: 'DF' }, tcp: { length: 0, flags: 'S', seq: '1234567', window: 64240, options: 'mss;sackOK;TS;nop;wscale' } });
    expect(event.process).toEqual({ name: 'filterlog', pid: 4021 });
  });

  it('pfsense – an IPv4 UDP pass going out', () => {
    const event = parse('77,,,1000000104,igb1,match,pass,out,4,0x0,,63,54321,0,none,17,udp,76,10.0.0.5,198.51.100.53,53123,53,56');
    expect(event.event).toMatchObject({ action: 'pass', outcome: 'success', type: ['connection', 'allowed'] });
    expect(event.network).toMatchObject({ transport: 'udp', direction: 'outbound' });
    expect(event.pfsense.udp).toEqual({ length: 56 });
  });

  it('pfsense – an IPv4 ICMP echo request', () => {
    const event = parse('5,,,1000000103,igb0,match,block,in,4,0x0,,56,0,0,none,1,icmp,84,198.51.100.7,203.0.113.5,request,44563,1');
    expect(event.network.transport).toBe('icmp');
    expect(event.source).toEqual({ ip: '198.51.100.7' });
    expect(event.pfsense.icmp).toEqual({ type: 'request' });
  });

  it('pfsense – IPv6 TCP and UDP records', () => {
    const tcp = parse('5,,,1000000103,igb0,match,block,in,6,0x00,0x00000,64,tcp,6,40,2001:db8::9,2001:db8:1::5,50000,443,0,S,999,,65535,,mss');
    expect(tcp.network).toMatchObject({ type: 'ipv6', transport: 'tcp' });
    expect(tcp.source).toEqual({ ip: '2001:db8::9', port: 50000 });
    expect(tcp.pfsense.ip).toEqual({ class: '0x00', flow_label: '0x00000', hlim: 64 });
    const udp = parse('9,,,1000000105,igb1,match,pass,out,6,0x00,0x00000,255,udp,17,60,2001:db8:1::5,2001:db8::53,546,547,60');
    expect(udp.destination).toEqual({ ip: '2001:db8::53', port: 547 });
  });

  it('pfsense – a record with an anchor and a reject action', () => {
    const event = parse('12,,natrules/10,1000000999,em0,match,reject,in,4,0x0,,64,1,0,DF,6,tcp,52,203.0.113.9,10.0.0.5,4432,3389,0,S,1,,1024,,');
    expect(event.rule).toEqual({ id: '1000000999', ruleset: 'natrules/10' });
    expect(event.event.outcome).toBe('failure');
  });

  it('pfsense – a record with a bad IP version is tagged under auto and dead-lettered by the pfsense parser', () => {
    const line = '<134>Dec  4 10:00:00 filterlog[4021]: 5,,,1000000103,igb0,match,block,in,x,0x0,,64,0,0,DF,6,tcp';
    const kept = auto.parse(record(line));
    expect(kept.ok && kept.event.tags).toContain('pfsense_parse_failure');
    const refused = pfsense.parse(record(line));
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'pfsense' });
    const cut = pfsense.parse(record('<134>Dec  4 10:00:00 filterlog[4021]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64'));
    expect(cut.ok ? undefined : cut.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
  });
});
