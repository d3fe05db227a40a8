/**
 * pfSense and OPNsense `filterlog` lines: the packet filter's CSV record, read
 * by position as Netgate's "Raw Filter Log Format" describes it (common
 * fields, then IPv4 or IPv6 fields, then TCP, UDP or ICMP fields). Mapped
 * into ECS as Elastic's pfsense integration names the fields: `event.{action,
 * reason,outcome,category,type}`, `rule.id` (the tracker), source and
 * destination, `network.{type,transport,direction,bytes}`,
 * `observer.ingress.interface.name`, `pfsense.{ip,tcp,udp,icmp}.*`.
 */
import type { FieldsBodyParser } from '../body-format';
import { assignFields, countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const PFSENSE = 'pfsense';

export const pfsenseBodyParser: FieldsBodyParser = {
  dataset: PFSENSE,
  description: 'pfSense / OPNsense filterlog CSV records (rule, interface, action, direction, IPv4/IPv6, TCP/UDP/ICMP), with the fields of Elastic\'s pfsense integration.',
  compile() {
    return (body) => {
      const f = body.split(',');
      if (f.length < 9) return undefined;
      const version = f[8];
      if (version !== '4' && version !== '6') {
        return mismatch(PFSENSE, `The filterlog record's 9th field (IP version) is "${String(version).slice(0, 16)}", not 4 or 6; the record does not have the layout of Netgate's raw filter log format.`);
      }
      const ipv4 = version === '4';
      // IPv4: tos, ecn, ttl, id, offset, flags, proto id, proto, length, src, dst. IPv6: class, flow, hop limit, proto, proto id, length, src, dst.
      const protocolText = ipv4 ? f[16] : f[12];
      const base = ipv4 ? 20 : 17;
      if (f.length < base) {
        return mismatch(PFSENSE, `The IPv${version} filterlog record has ${f.length} fields, fewer than the ${base} the format requires before the protocol fields.`);
      }
      const action = f[6] ?? '';
      const blocked = action === 'block' || action === 'reject';
      const [length, sourceIp, destinationIp] = ipv4 ? [f[17], f[18], f[19]] : [f[14], f[15], f[16]];
      const transport = transportOf(protocolText);
      const ports = transport === 'tcp' || transport === 'udp';
      const source = endpoint(sourceIp, ports ? f[base] : undefined);
      const destination = endpoint(destinationIp, ports ? f[base + 1] : undefined);
      if (source?.ip === undefined || destination?.ip === undefined) {
        return mismatch(PFSENSE, `The IPv${version} filterlog record has no valid source and destination address where the format puts them.`);
      }
      const ip: Fields = ipv4
        ? put(put(put(put(put(put({}, 'tos', f[9]), 'ecn', f[10]), 'ttl', countOf(f[11])), 'id', countOf(f[12])), 'offset', countOf(f[13])), 'flags', f[14])
        : put(put(put({}, 'class', f[9]), 'flow_label', f[10]), 'hlim', countOf(f[11]));
      const pfsense: Fields = { ip };
      if (transport === 'tcp') {
        pfsense.tcp = put(put(put(put(put(put({}, 'length', countOf(f[base + 2])), 'flags', f[base + 3]), 'seq', f[base + 4]), 'ack', f[base + 5]), 'window', countOf(f[base + 6])), 'options', f[base + 8]);
      } else if (transport === 'udp') {
        pfsense.udp = put({}, 'length', countOf(f[base + 2]));
      } else if (transport === 'icmp' || transport === 'ipv6-icmp') {
        pfsense.icmp = put({}, 'type', f[base]);
      }
      const direction = f[7] === 'in' ? 'inbound' : f[7] === 'out' ? 'outbound' : undefined;
      const fields: Fields = {
        event: { kind: 'event', category: ['network'], type: ['connection', blocked ? 'denied' : 'allowed'], action, outcome: blocked ? 'failure' : 'success', reason: f[5] },
        source,
        destination,
        network: put(put(put({ type: ipv4 ? 'ipv4' : 'ipv6' }, 'transport', transport), 'direction', direction), 'bytes', countOf(length)),
        observer: assignFields(observer('Netgate', 'pfSense'), { ingress: { interface: { name: f[4] } } }),
        rule: put(put({}, 'id', f[3]), 'ruleset', f[2]),
        pfsense,
      };
      return fields;
    };
  },
};

export const pfsenseParser = defineSyslogBodyFormat(pfsenseBodyParser);
