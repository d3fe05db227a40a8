import { describe, expect, it } from 'vitest';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';
import { iptablesBodyParser, iptablesParser } from './iptables';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const parseBody = compileBodyParser(iptablesBodyParser, createParserContext({ now: () => NOW })).parseBody;

function fields(text: string): Record<string, unknown> {
  const result = parseBody(text);
  if (result === undefined || 'code' in result) throw new Error(`expected fields for ${text}`);
  return result;
}

const UFW_BLOCK =
  '[UFW BLOCK] IN=eth0 OUT= MAC=00:15:5d:01:02:03:00:15:5d:04:05:06:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=5555 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0';

describe('iptables – packet lines', () => {
  it('iptables – parses a ufw block line field by field', () => {
    expect(fields(UFW_BLOCK)).toEqual({
      source: { ip: '10.0.0.1', address: '10.0.0.1', port: 5555, mac: '00-15-5D-04-05-06' },
      destination: { ip: '10.0.0.2', address: '10.0.0.2', port: 22, mac: '00-15-5D-01-02-03' },
      network: { bytes: 60, transport: 'tcp', type: 'ipv4' },
      observer: { ingress: { interface: { name: 'eth0' } } },
      event: { kind: 'event', category: ['network'], type: ['connection', 'denied'], action: 'ufw-block' },
      iptables: {
        ether_type: 2048,
        length: 60,
        tos: 0,
        precedence_bits: 0,
        ttl: 64,
        id: 0,
        fragment_flags: ['DF'],
        tcp: { window: 29200, reserved_bits: 0, urgent_pointer: 0, flags: ['SYN'] },
        prefix: '[UFW BLOCK]',
      },
    });
  });

  it('iptables – strips the kernel uptime stamp and reads a "DROP:" prefix and a UDP length after PROTO', () => {
    const result = fields('[12345.678901] DROP: IN=eth0 OUT= MAC= SRC=192.0.2.1 DST=192.0.2.2 LEN=76 TOS=0x00 PREC=0x00 TTL=57 ID=12345 PROTO=UDP SPT=123 DPT=123 LEN=56');
    expect(result.event).toEqual({ kind: 'event', category: ['network'], type: ['connection', 'denied'], action: 'drop' });
    expect(result.network).toEqual({ bytes: 76, transport: 'udp', type: 'ipv4' });
    expect(result.iptables).toEqual({ length: 76, tos: 0, precedence_bits: 0, ttl: 57, id: 12345, udp: { length: 56 }, prefix: 'DROP:' });
    expect(result).not.toHaveProperty('observer.egress');
  });

  it('iptables – reads a forwarded packet with both interfaces, an allow prefix and ACK PSH flags over IPv6', () => {
    const result = fields(
      '[UFW ALLOW] IN=eth1 OUT=eth0 MAC=00:15:5d:01:02:03:00:15:5d:04:05:06:86:dd SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=12345 PROTO=TCP SPT=443 DPT=50000 WINDOW=65535 RES=0x00 ACK PSH URGP=0 MARK=0x1',
    );
    expect(result.observer).toEqual({ ingress: { interface: { name: 'eth1' } }, egress: { interface: { name: 'eth0' } } });
    expect(result.network).toEqual({ bytes: 80, transport: 'tcp', type: 'ipv6' });
    expect(result.event).toMatchObject({ type: ['connection', 'allowed'], action: 'ufw-allow' });
    expect(result.iptables).toMatchObject({ ether_type: 0x86dd, traffic_class: 0, hop_limit: 64, flow_label: 12345, mark: 1, tcp: { flags: ['ACK', 'PSH'] } });
  });

  it('iptables – keeps the outer addresses of an ICMP error and reads its type and code', () => {
    const result = fields('nft drop in: IN=eth0 OUT= SRC=10.0.0.2 DST=10.0.0.1 LEN=88 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=UDP SPT=1 DPT=2 LEN=40 ] ');
    expect(result.source).toEqual({ ip: '10.0.0.2', address: '10.0.0.2' });
    expect(result.destination).toEqual({ ip: '10.0.0.1', address: '10.0.0.1' });
    expect(result.network).toMatchObject({ transport: 'icmp' });
    expect(result.iptables).toMatchObject({ precedence_bits: 0xc0, icmp: { type: 3, code: 3 } });
    expect(result.event).toMatchObject({ action: 'nft-drop-in', type: ['connection', 'denied'] });
  });

  it('iptables – reads a line with no prefix, a numeric protocol and PHYSIN, without an action', () => {
    const result = fields('IN=br0 OUT=br0 PHYSIN=veth1 PHYSOUT=veth2 SRC=10.1.0.1 DST=10.1.0.2 LEN=40 TTL=255 ID=7 PROTO=47');
    expect(result.event).toEqual({ kind: 'event', category: ['network'], type: ['connection'] });
    expect(result.network).toEqual({ bytes: 40, iana_number: '47', type: 'ipv4' });
    expect(result.iptables).toEqual({ physin: 'veth1', physout: 'veth2', length: 40, ttl: 255, id: 7 });
  });

  it('iptables – returns undefined without SRC= and DST=, or without IN=', () => {
    expect(parseBody('[UFW BLOCK] IN=eth0 OUT= MAC=00:15:5d:01:02:03')).toBeUndefined();
    expect(parseBody('IN=eth0 OUT= SRC=10.0.0.1')).toBeUndefined();
    expect(parseBody('usb 1-1: new high-speed USB device number 2 using ehci-pci')).toBeUndefined();
    expect(parseBody('PHYSIN=x SRC=1.1.1.1 DST=2.2.2.2')).toBeUndefined();
  });
});

describe('iptables – whole kern.log lines and hostile input', () => {
  it('iptables – reads the syslog file prefix of kern.log as the standalone parser', () => {
    const line = `Nov 23 11:00:00 fw-1 kernel: [12345.678901] ${UFW_BLOCK}`;
    const result = iptablesParser.create({ now: () => NOW }).parse({ payload: Buffer.from(line), receivedAt: NOW.toISOString(), input: 'file' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event['@timestamp']).toBe('2026-11-23T11:00:00.000Z');
    expect(result.event.host).toEqual({ name: 'fw-1', hostname: 'fw-1' });
    expect(result.event.process).toEqual({ name: 'kernel' });
    expect(result.event.message).toBe(`[12345.678901] ${UFW_BLOCK}`);
    expect(result.event.event).toMatchObject({ dataset: 'iptables', action: 'ufw-block' });
    expect(result.event.source).toMatchObject({ ip: '10.0.0.1', port: 5555 });
  });

  it('iptables – answers NO_MATCH for a kern.log line that is not a packet', () => {
    const result = iptablesParser.create({ now: () => NOW }).parse({ payload: Buffer.from('Nov 23 11:00:00 fw-1 kernel: [1.0] eth0: link up'), receivedAt: NOW.toISOString(), input: 'file' });
    expect(result).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
  });

  it('iptables – drops prototype keys, keeps bad numbers as text and copes with a truncated line', () => {
    const result = fields('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 __PROTO__=x CONSTRUCTOR=y TTL=abc PROTO=TCP SPT=99999999999999999 __proto__=z');
    expect(result.iptables).toEqual({ ttl: 'abc' });
    expect(result.source).toEqual({ ip: '10.0.0.1', address: '10.0.0.1' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(fields('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=6').iptables).toEqual({ length: 6 });
    expect(fields('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=ICMP [SRC=1.1.1.1 DST=2.2.2.2').source).toEqual({ ip: '10.0.0.1', address: '10.0.0.1' });
  });

  it('iptables – names the action of every prefix, also past the bound of remembered prefixes', () => {
    for (let rule = 0; rule < 1500; rule++) {
      const result = fields(`[rule ${rule} ${rule % 2 ? 'DROP' : 'ACCEPT'}] IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2`);
      expect(result.event).toMatchObject({ action: `rule-${rule}-${rule % 2 ? 'drop' : 'accept'}`, type: ['connection', rule % 2 ? 'denied' : 'allowed'] });
    }
  });

  it('iptables – reads hex values with a sign or a second 0x as parseInt does, and odd MAC text as it is', () => {
    const result = fields('IN=eth0 OUT= MAC=0a:0b:0c:0d:0e:0f:1a:1b:1c:1d:1e:1f:0x:1z SRC=10.0.0.1 DST=10.0.0.2 TOS=0x-1 PREC=0x0x10 MARK=0xfz');
    expect(result.iptables).toMatchObject({ ether_type: 1, tos: -1, precedence_bits: 16, mark: 15 });
    expect(result.destination).toMatchObject({ mac: '0A-0B-0C-0D-0E-0F' });
    expect(result.source).toMatchObject({ mac: '1A-1B-1C-1D-1E-1F' });
  });

  it('iptables – reads each line its own MAC addresses and prefix when lines alternate', () => {
    const line = (prefix: string, mac: string) => `${prefix}IN=eth0 OUT= MAC=${mac} SRC=10.0.0.1 DST=10.0.0.2`;
    const macA = '00:15:5d:01:02:03:00:15:5d:04:05:06:08:00';
    const macB = '00:15:5d:01:02:03:00:15:5d:04:05:07:08:00';
    const cases = [
      { text: line('[UFW BLOCK] ', macA), source: '00-15-5D-04-05-06', ether: 0x800, action: 'ufw-block', prefix: '[UFW BLOCK]' },
      { text: line('[UFW BLOCK] ', macB), source: '00-15-5D-04-05-07', ether: 0x800, action: 'ufw-block', prefix: '[UFW BLOCK]' },
      { text: line('[UFW ALLOW] ', macB.replace('08:00', '86:dd')), source: '00-15-5D-04-05-07', ether: 0x86dd, action: 'ufw-allow', prefix: '[UFW ALLOW]' },
      { text: line('[UFW BLOCK]  ', macA), source: '00-15-5D-04-05-06', ether: 0x800, action: 'ufw-block', prefix: '[UFW BLOCK]' },
      { text: line('', macA.replace('08:00', 'zz:00')), source: '00-15-5D-04-05-06', ether: undefined, action: undefined, prefix: undefined },
    ];
    for (const expected of [...cases, ...cases.reverse()]) {
      const result = fields(expected.text);
      expect(result.source, expected.text).toMatchObject({ mac: expected.source });
      expect((result.iptables as Record<string, unknown>).ether_type, expected.text).toBe(expected.ether);
      expect((result.event as Record<string, unknown>).action, expected.text).toBe(expected.action);
      expect((result.iptables as Record<string, unknown>).prefix, expected.text).toBe(expected.prefix);
    }
    expect(fields(line('', macA.slice(0, 40))).iptables).toEqual({ mac: macA.slice(0, 40) });
  });

  it('iptables – splits every MAC pair right, also past the bound of remembered addresses and with odd characters', () => {
    const hex = (value: number) => (value & 0xff).toString(16).padStart(2, '0');
    const mac = (peer: number) => `00:16:3e:00:00:01:00:16:3e:${hex(peer >> 16)}:${hex(peer >> 8)}:${hex(peer)}:08:00`;
    for (const round of [0, 1]) {
      for (let peer = 0; peer < 5000; peer += round + 1) {
        const result = fields(`[UFW BLOCK] IN=eth0 OUT= MAC=${mac(peer)} SRC=10.0.0.1 DST=10.0.0.2`);
        expect(result.source).toMatchObject({ mac: `00-16-3E-${hex(peer >> 16)}-${hex(peer >> 8)}-${hex(peer)}`.toUpperCase() });
        expect(result.destination).toMatchObject({ mac: '00-16-3E-00-00-01' });
      }
    }
    const wide = `00:16:3e:00:00:01:00:16:3e:00:00:\u20ac2:08:00`;
    expect(wide.length).toBe(41);
    const wideLine = `IN=eth0 OUT= MAC=${wide} SRC=10.0.0.1 DST=10.0.0.2`;
    expect([fields(wideLine).source, fields(wideLine).source]).toMatchObject([{ mac: '00-16-3E-00-00-\u20ac2' }, { mac: '00-16-3E-00-00-\u20ac2' }]);
  });

  it('iptables – writes protocol names in lower case whatever their case or form', () => {
    const protocol = (name: string) => fields(`IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=${name} SPT=1 DPT=2 LEN=8`);
    expect(protocol('UDPLITE')).toMatchObject({ network: { transport: 'udplite' }, iptables: { udplite: { length: 8 } } });
    expect(protocol('udp')).toMatchObject({ network: { transport: 'udp' }, iptables: { udp: { length: 8 } } });
    expect(protocol('ICMPv6')).toMatchObject({ network: { transport: 'icmpv6' }, iptables: { icmpv6: { length: 8 } } });
    expect(protocol('SCTP')).toMatchObject({ network: { transport: 'sctp' }, source: { port: 1 }, destination: { port: 2 } });
  });

  it('iptables – scans a 1 MiB line of flags in one pass', () => {
    const result = fields(`IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 PROTO=TCP ${'SYN '.repeat(256 * 1024)}`);
    expect((result.iptables as { tcp: { flags: string[] } }).tcp.flags.length).toBe(256 * 1024);
  });
});
