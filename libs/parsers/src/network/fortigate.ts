/**
 * FortiGate (FortiOS) logs: `key=value` pairs, values quoted when they hold
 * spaces, as the FortiOS Log Message Reference lists them
 * (`date=2026-12-04 time=10:00:00 devname="FGT-1" devid="FG100F..." logid="0000000013"
 * type="traffic" subtype="forward" ...`). Every pair is kept under
 * `fortinet.firewall.<key>`, and the common ones are mapped into ECS as
 * Elastic's fortinet_fortigate integration maps them: `observer.{name,serial_number}`,
 * `event.{code,action,outcome,category,type,duration}`, source and destination
 * with their NAT (`transip`/`transport`, `tranip`/`tranport`), bytes and
 * packets, `network.transport` from `proto`, `rule.{id,name,uuid}`,
 * `observer.{ingress,egress}.interface.name`, `user.name`, `url.*`.
 *
 * The time is `eventtime` (epoch, in seconds, milliseconds, microseconds or
 * nanoseconds by its length, as FortiOS versions differ) or else `date` and
 * `time` read in `tz` when given, in the configured zone otherwise.
 */
import type { FieldsBodyParser } from '../body-format';
import { createBlankSeparatedPairsReader } from '../kv-scan';
import { parseIsoTimestamp } from '../time';
import { countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const FORTIGATE = 'fortigate';

const FAILED_ACTIONS = new Set(['deny', 'denied', 'block', 'blocked', 'drop', 'dropped', 'reset', 'reject', 'rejected', 'failure', 'failed', 'timeout', 'server-rst', 'client-rst']);
const SUCCEEDED_ACTIONS = new Set(['accept', 'allow', 'allowed', 'pass', 'passthrough', 'close', 'success', 'login', 'logout', 'tunnel-up', 'tunnel-down', 'start', 'perf-stats', 'monitored']);

function epochMillis(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{9,19}$/.test(text)) return undefined;
  const digits = text.length;
  // 10 digits: seconds; 13: milliseconds; 16: microseconds; 19: nanoseconds (FortiOS 6.2 and later).
  const divisor = digits <= 10 ? 1e-3 : digits <= 13 ? 1 : digits <= 16 ? 1e3 : 1e6;
  return Math.floor(Number(text) / divisor);
}

/** `-0500`, `+01:00` or `UTC` → an ISO offset suffix, or undefined. */
function isoOffset(tz: string | undefined): string | undefined {
  if (tz === undefined) return undefined;
  if (/^[+-]\d{4}$/.test(tz)) return `${tz.slice(0, 3)}:${tz.slice(3)}`;
  if (/^[+-]\d{2}:\d{2}$/.test(tz)) return tz;
  return tz === 'UTC' || tz === 'GMT' ? 'Z' : undefined;
}

function categoryOf(type: string | undefined, subtype: string | undefined, denied: boolean): { category: string[]; type: string[] } {
  if (type === 'traffic') return { category: ['network'], type: ['connection', denied ? 'denied' : subtype === 'forward' || subtype === 'local' ? 'allowed' : 'info'] };
  if (type === 'utm') {
    if (subtype === 'virus') return { category: ['malware'], type: [denied ? 'denied' : 'info'] };
    if (subtype === 'ips' || subtype === 'anomaly') return { category: ['intrusion_detection', 'network'], type: [denied ? 'denied' : 'info'] };
    if (subtype === 'webfilter') return { category: ['web', 'network'], type: [denied ? 'denied' : 'allowed'] };
    return { category: ['network'], type: [denied ? 'denied' : 'info'] };
  }
  if (type === 'event') {
    if (subtype === 'user') return { category: ['authentication'], type: ['start'] };
    if (subtype === 'vpn') return { category: ['network'], type: ['connection'] };
    if (subtype === 'system') return { category: ['host'], type: ['info'] };
  }
  return { category: ['network'], type: ['info'] };
}

export const fortigateBodyParser: FieldsBodyParser = {
  dataset: FORTIGATE,
  description: 'FortiGate (FortiOS) key=value logs (date= time= devname= devid= logid= type= subtype= ...), traffic, UTM and event logs, with the fields of Elastic\'s fortinet_fortigate integration.',
  compile(_options, context) {
    const readPairs = createBlankSeparatedPairsReader();
    return (body) => {
      if (!body.startsWith('date=') && !body.startsWith('logver=') && !body.startsWith('logdate=')) return undefined;
      const pairs = readPairs(body);
      const logid = pairs.logid;
      const type = pairs.type;
      if (pairs.devid === undefined && logid === undefined) return undefined;
      if (logid === undefined || !/^\d{10}$/.test(logid) || type === undefined) {
        return mismatch(FORTIGATE, 'The FortiGate line has no 10-digit logid or no type; the FortiOS log reference puts both in every log. Check that the device sends its default log format.');
      }
      const action = pairs.action ?? pairs.utmaction;
      const denied = action !== undefined && FAILED_ACTIONS.has(action);
      const kind = categoryOf(type, pairs.subtype, denied);
      const event: Fields = { kind: 'event', code: logid, category: kind.category, type: kind.type };
      put(event, 'action', action);
      if (action !== undefined) put(event, 'outcome', denied ? 'failure' : SUCCEEDED_ACTIONS.has(action) ? 'success' : undefined);
      const duration = countOf(pairs.duration);
      if (duration !== undefined) event.duration = duration * 1e9;
      const fields: Fields = {
        event,
        observer: put(put(observer('Fortinet', 'Fortigate'), 'name', pairs.devname), 'serial_number', pairs.devid),
        fortinet: { firewall: pairs },
      };
      put(fields, 'message', pairs.msg);
      if (pairs.level !== undefined) fields.log = { level: pairs.level };

      const eventTime = epochMillis(pairs.eventtime);
      let millis = eventTime;
      if (millis === undefined && pairs.date !== undefined && pairs.time !== undefined) {
        const text = `${pairs.date}T${pairs.time}${isoOffset(pairs.tz) ?? ''}`;
        const parsed = parseIsoTimestamp(text, 0, text.length, 'lenient', context.zone);
        if (!Number.isNaN(parsed)) millis = parsed;
      }
      if (millis !== undefined) fields['@timestamp'] = millis;

      const source = endpoint(pairs.srcip, pairs.srcport);
      if (source !== undefined) {
        const nat = pairs.transip !== undefined && pairs.transip !== '0.0.0.0' ? endpoint(pairs.transip, pairs.transport) : undefined;
        if (nat !== undefined) source.nat = nat;
        put(source, 'bytes', countOf(pairs.sentbyte));
        put(source, 'packets', countOf(pairs.sentpkt));
        put(source, 'mac', pairs.srcmac);
        fields.source = source;
      }
      const destination = endpoint(pairs.dstip, pairs.dstport);
      if (destination !== undefined) {
        const nat = pairs.tranip !== undefined && pairs.tranip !== '0.0.0.0' ? endpoint(pairs.tranip, pairs.tranport) : undefined;
        if (nat !== undefined) destination.nat = nat;
        put(destination, 'bytes', countOf(pairs.rcvdbyte));
        put(destination, 'packets', countOf(pairs.rcvdpkt));
        fields.destination = destination;
      }
      const network: Fields = {};
      put(network, 'transport', transportOf(pairs.proto));
      put(network, 'application', pairs.app?.toLowerCase());
      const sent = countOf(pairs.sentbyte);
      const received = countOf(pairs.rcvdbyte);
      if (sent !== undefined || received !== undefined) network.bytes = (sent ?? 0) + (received ?? 0);
      if (Object.keys(network).length > 0) fields.network = network;
      const rule: Fields = {};
      put(rule, 'id', pairs.policyid);
      put(rule, 'name', pairs.policyname);
      put(rule, 'uuid', pairs.poluuid);
      if (Object.keys(rule).length > 0) fields.rule = rule;
      const interfaces: Fields = {};
      if (pairs.srcintf !== undefined) interfaces.ingress = { interface: { name: pairs.srcintf } };
      if (pairs.dstintf !== undefined) interfaces.egress = { interface: { name: pairs.dstintf } };
      Object.assign(fields.observer as Fields, interfaces);
      const user = pairs.user ?? pairs.srcuser;
      if (user !== undefined && user !== 'N/A') fields.user = { name: user };
      if (pairs.url !== undefined || pairs.hostname !== undefined) {
        const url: Fields = {};
        put(url, 'domain', pairs.hostname);
        put(url, 'path', pairs.url);
        if (pairs.hostname !== undefined && pairs.url !== undefined) url.original = `${pairs.hostname}${pairs.url}`;
        fields.url = url;
      }
      // The virus or the IPS signature is why a UTM log was written.
      put(event, 'reason', pairs.virus ?? pairs.attack);
      return fields;
    };
  },
};

export const fortigateParser = defineSyslogBodyFormat(fortigateBodyParser);
