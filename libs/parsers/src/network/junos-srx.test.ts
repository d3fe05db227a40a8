/** Lines written from Juniper's system log reference for RT_FLOW_SESSION_CREATE, _CLOSE and _DENY (structured-data format). */
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { createParser } from '../registry';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const auto = createParser('auto', { now: () => NOW });
const junos = createParser('junos_srx', { now: () => NOW });
const HEAD = '<14>1 2026-12-04T10:00:00.123+01:00 srx-1 RT_FLOW -';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: '2026-12-04T12:00:00.000Z', sourceAddress: '192.0.2.1', input: 'syslog_udp' };
}

function parse(line: string) {
  const result = auto.parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  expect(result.event.event.dataset).toBe('junos_srx');
  return result.event as Record<string, any>;
}

describe('junos_srx – RT_FLOW sessions', () => {
  it('junos_srx – session created: NAT, policy, zones, interface', () => {
    const event = parse(
      `${HEAD} RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.129 source-address="10.0.0.5" source-port="51000" destination-address="198.51.100.20" destination-port="443" connection-tag="0" service-name="junos-https" nat-source-address="203.0.113.2" nat-source-port="41000" nat-destination-address="198.51.100.20" nat-destination-port="443" src-nat-rule-type="source rule" src-nat-rule-name="r1" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="trust-to-untrust" source-zone-name="trust" destination-zone-name="untrust" session-id-32="1234" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/1.0" application="UNKNOWN"] session created 10.0.0.5/51000->198.51.100.20/443 0x0 junos-https 203.0.113.2/41000->198.51.100.20/443`,
    );
    expect(event['@timestamp']).toBe('2026-12-04T09:00:00.123Z');
    expect(event.event).toMatchObject({ action: 'flow_started', outcome: 'success', category: ['network'], type: ['connection', 'start', 'allowed'] });
    expect(event.source).toEqual({ ip: '10.0.0.5', port: 51000, nat: { ip: '203.0.113.2', port: 41000 } });
    expect(event.destination).toEqual({ ip: '198.51.100.20', port: 443 });
    expect(event.network).toEqual({ transport: 'tcp' });
    expect(event.rule).toEqual({ name: 'trust-to-untrust' });
    expect(event.observer).toEqual({ vendor: 'Juniper', product: 'SRX', type: 'firewall', ingress: { zone: 'trust', interface: { name: 'ge-0/0/1.0' } }, egress: { zone: 'untrust' } });
    expect(event.juniper.srx).toMatchObject({ tag: 'RT_FLOW_SESSION_CREATE', 'session-id-32': '1234', 'service-name': 'junos-https' });
    expect(event).not.toHaveProperty('user');
  });

  it('junos_srx – session closed: reason, bytes and packets per side, elapsed time', () => {
    const event = parse(
      `${HEAD} RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.129 reason="TCP FIN" source-address="10.0.0.5" source-port="51000" destination-address="198.51.100.20" destination-port="443" protocol-id="6" policy-name="trust-to-untrust" source-zone-name="trust" destination-zone-name="untrust" session-id-32="1234" packets-from-client="12" bytes-from-client="2228" packets-from-server="10" bytes-from-server="5084" elapsed-time="16" application="SSL" username="alice"] session closed TCP FIN: 10.0.0.5/51000->198.51.100.20/443`,
    );
    expect(event.event).toMatchObject({ action: 'flow_close', type: ['connection', 'end'], reason: 'TCP FIN', duration: 16e9 });
    expect(event.source).toMatchObject({ bytes: 2228, packets: 12 });
    expect(event.destination).toMatchObject({ bytes: 5084, packets: 10 });
    expect(event.network).toEqual({ transport: 'tcp', application: 'ssl', bytes: 7312 });
    expect(event.user).toEqual({ name: 'alice' });
  });

  it('junos_srx – session denied by policy, UDP', () => {
    const event = parse(`${HEAD} RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.40 source-address="203.0.113.9" source-port="5060" destination-address="10.0.0.5" destination-port="5060" protocol-id="17" icmp-type="0" policy-name="deny-sip" source-zone-name="untrust" destination-zone-name="trust" application="UNKNOWN" reason="policy deny"] session denied 203.0.113.9/5060->10.0.0.5/5060`);
    expect(event.event).toMatchObject({ action: 'flow_deny', outcome: 'failure', type: ['connection', 'denied'], reason: 'policy deny' });
    expect(event.network.transport).toBe('udp');
    expect(event.rule).toEqual({ name: 'deny-sip' });
  });

  it('junos_srx – other RT_FLOW messages and other Junos programs stay plain syslog', () => {
    const other = auto.parse(record(`${HEAD} RT_FLOW_SESSION_UPDATE [junos@2636.1.1.1.2.129 source-address="10.0.0.5"] session updated`));
    expect(other.ok && other.event.event.dataset).toBe('syslog_rfc5424');
  });

  it('junos_srx – a session without structured data is tagged under auto and dead-lettered by the junos_srx parser', () => {
    const line = `${HEAD} RT_FLOW_SESSION_CREATE - session created 10.0.0.5/51000->198.51.100.20/443`;
    const kept = auto.parse(record(line));
    expect(kept.ok && kept.event.tags).toContain('junos_srx_parse_failure');
    const refused = junos.parse(record(line));
    expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'SIEM_PARSE_VENDOR_MISMATCH', parser: 'junos_srx' });
    const noAddress = junos.parse(record(`${HEAD} RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.40 source-address="x" destination-address="10.0.0.5"] session denied`));
    expect(noAddress.ok ? undefined : noAddress.error.code).toBe('SIEM_PARSE_VENDOR_MISMATCH');
  });
});
