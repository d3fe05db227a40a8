/**
 * Sophos Firewall (XG, SFOS) syslog: `key=value` pairs as the Sophos
 * Firewall syslog guide ("Syslog descriptions") lists them, in the older
 * layout (`device="SFW" date=... time=... timezone=... device_name=...
 * log_id=...`) and the SFOS 19.5+ one (`device_name="SFW" timestamp=...`).
 * `log_id` is type, component, subtype, severity and message number.
 *
 * Every pair is kept under `sophos.xg.<key>`; ECS as Elastic's sophos
 * integration (xg data stream): `observer.{vendor: Sophos, product: XG,
 * type: firewall, name, serial_number}`, `event.{code: log_id, action
 * (status or subtype), outcome, category, type, duration}`, source and
 * destination with NAT (`tran_*`), bytes, packets, zones, interfaces,
 * `network.{transport, application}`, `rule.{id,name}`, `user.name`,
 * `url.*`, and the firewall's own message as `message`.
 */
import type { FieldsBodyParser } from '../body-format';
import { createBlankSeparatedPairsReader } from '../kv-scan';
import { parseIsoTimestamp } from '../time';
import { countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const SOPHOS_XG = 'sophos_xg';

const DENIED = new Set(['denied', 'deny', 'drop', 'dropped', 'blocked', 'block', 'reject', 'failed', 'detect', 'would deny']);
const ALLOWED = new Set(['allowed', 'allow', 'successful', 'established', 'connected', 'allow session', 'clean']);

function categoryOf(logType: string, denied: boolean): { category: string[]; type: string[] } {
  switch (logType) {
    case 'Firewall':
      return { category: ['network'], type: ['connection', denied ? 'denied' : 'allowed'] };
    case 'IDP':
      return { category: ['intrusion_detection', 'network'], type: [denied ? 'denied' : 'info'] };
    case 'Anti-Virus':
    case 'Anti-Spam':
    case 'ATP':
    case 'Sandbox':
      return { category: ['malware', 'network'], type: [denied ? 'denied' : 'info'] };
    case 'Content Filtering':
    case 'WAF':
      return { category: ['web', 'network'], type: [denied ? 'denied' : 'allowed'] };
    default:
      return { category: ['network'], type: ['info'] };
  }
}

export const sophosXgBodyParser: FieldsBodyParser = {
  dataset: SOPHOS_XG,
  description: 'Sophos Firewall (XG / SFOS) key=value syslog: firewall, IPS (IDP), anti-virus, ATP, web content filtering, authentication, VPN and system events, with the fields of Elastic\'s sophos xg integration.',
  compile(_options, context) {
    const readPairs = createBlankSeparatedPairsReader();
    return (body) => {
      if (!body.startsWith('device=') && !body.startsWith('device_name=') && !body.startsWith('timestamp=')) return undefined;
      const pairs = readPairs(body);
      if (pairs.log_id === undefined && pairs.log_type === undefined) return undefined;
      const logId = pairs.log_id;
      const logType = pairs.log_type;
      if (logId === undefined || !/^\d{12}$/.test(logId) || logType === undefined) {
        return mismatch(SOPHOS_XG, 'The Sophos Firewall line has no 12-digit log_id or no log_type; SFOS writes both in every syslog record. Check that the firewall sends its standard syslog format.');
      }
      const status = (pairs.status ?? pairs.log_subtype ?? '').toLowerCase();
      const subtype = (pairs.log_subtype ?? '').toLowerCase();
      const denied = DENIED.has(status) || DENIED.has(subtype);
      const authentication = /authentication|login/i.test(`${pairs.log_component ?? ''} ${pairs.log_subtype ?? ''}`);
      const kind = authentication ? { category: ['authentication'], type: ['start'] } : categoryOf(logType, denied);
      const event: Fields = { kind: 'event', code: logId, category: kind.category, type: kind.type };
      put(event, 'action', status.length > 0 ? status.replace(/ /g, '-') : undefined);
      put(event, 'outcome', denied ? 'failure' : ALLOWED.has(status) || ALLOWED.has(subtype) ? 'success' : undefined);
      const duration = countOf(pairs.duration);
      if (duration !== undefined) event.duration = duration * 1e9;
      put(event, 'reason', pairs.virus ?? pairs.signature_msg ?? pairs.reason);
      const observerFields = put(put(observer('Sophos', 'XG'), 'name', pairs.device_name === 'SFW' ? pairs.device : pairs.device_name), 'serial_number', pairs.device_id);
      const fields: Fields = { event, observer: observerFields, sophos: { xg: pairs } };
      put(fields, 'message', pairs.message);
      const level = pairs.priority ?? pairs.severity;
      if (level !== undefined) fields.log = { level: level.toLowerCase() };

      let millis = Number.NaN;
      if (pairs.timestamp !== undefined) millis = parseIsoTimestamp(pairs.timestamp, 0, pairs.timestamp.length, 'lenient', context.zone);
      else if (pairs.date !== undefined && pairs.time !== undefined) {
        const text = `${pairs.date}T${pairs.time}${pairs.timezone === 'UTC' || pairs.timezone === 'GMT' ? 'Z' : ''}`;
        millis = parseIsoTimestamp(text, 0, text.length, 'lenient', context.zone);
      }
      if (!Number.isNaN(millis)) fields['@timestamp'] = millis;
      else if (pairs.timestamp !== undefined) fields['@timestamp'] = pairs.timestamp;

      const source = endpoint(pairs.src_ip, pairs.src_port);
      if (source !== undefined) {
        const nat = pairs.tran_src_ip !== undefined && pairs.tran_src_ip.length > 0 ? endpoint(pairs.tran_src_ip, pairs.tran_src_port === '0' ? undefined : pairs.tran_src_port) : undefined;
        if (nat !== undefined) source.nat = nat;
        put(source, 'bytes', countOf(pairs.sent_bytes));
        put(source, 'packets', countOf(pairs.sent_pkts));
        put(source, 'mac', pairs.src_mac);
        fields.source = source;
      }
      const destination = endpoint(pairs.dst_ip, pairs.dst_port);
      if (destination !== undefined) {
        const nat = pairs.tran_dst_ip !== undefined && pairs.tran_dst_ip.length > 0 ? endpoint(pairs.tran_dst_ip, pairs.tran_dst_port === '0' ? undefined : pairs.tran_dst_port) : undefined;
        if (nat !== undefined) destination.nat = nat;
        put(destination, 'bytes', countOf(pairs.recv_bytes ?? pairs.received_bytes));
        put(destination, 'packets', countOf(pairs.recv_pkts ?? pairs.received_pkts));
        fields.destination = destination;
      }
      const ingress: Fields = {};
      const egress: Fields = {};
      put(ingress, 'zone', pairs.src_zone ?? pairs.srczone);
      put(egress, 'zone', pairs.dst_zone ?? pairs.dstzone);
      if (pairs.in_interface !== undefined && pairs.in_interface.length > 0) ingress.interface = { name: pairs.in_interface };
      if (pairs.out_interface !== undefined && pairs.out_interface.length > 0) egress.interface = { name: pairs.out_interface };
      if (Object.keys(ingress).length > 0) observerFields.ingress = ingress;
      if (Object.keys(egress).length > 0) observerFields.egress = egress;
      const network: Fields = {};
      put(network, 'transport', transportOf(pairs.protocol ?? pairs.ip_protocol));
      put(network, 'application', (pairs.application ?? pairs.app_name)?.toLowerCase());
      if (Object.keys(network).length > 0) fields.network = network;
      const rule: Fields = {};
      put(rule, 'id', pairs.fw_rule_id);
      put(rule, 'name', pairs.fw_rule_name ?? pairs.policy_name);
      if (Object.keys(rule).length > 0) fields.rule = rule;
      const user = pairs.user_name ?? pairs.user;
      if (user !== undefined && user.length > 0) fields.user = { name: user };
      if (pairs.url !== undefined && pairs.url.length > 0) {
        const url: Fields = { original: pairs.url };
        put(url, 'domain', pairs.domain);
        fields.url = url;
      }
      return fields;
    };
  },
};

export const sophosXgParser = defineSyslogBodyFormat(sophosXgBodyParser);
