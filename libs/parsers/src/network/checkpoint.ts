/**
 * Check Point Log Exporter in its syslog format (`cp_log_export ... format
 * syslog`): an RFC 5424 header (APP-NAME `CheckPoint`), then the log's fields
 * where the structured data goes, as `[key:"value"; key:"value"; ...]`
 * (`\"`, `\\` and `\]` escaped inside values), as the Log Exporter guide and
 * Check Point's Log Fields Description list them.
 *
 * Every pair is kept under `checkpoint.<key>`; the common ones are mapped as
 * Elastic's checkpoint integration maps them: `time` → `@timestamp`,
 * `src`/`dst`/`s_port`/`service`/`proto`, NAT from `xlatesrc`/`xlatedst`/
 * `xlatesport`/`xlatedport`, `ifname` by `ifdir` to the observer's ingress or
 * egress interface, `origin` → `observer.ip`/`name`, `product` →
 * `observer.product`, `rule_name`/`rule_uid`/`layer_name` → `rule.*`,
 * `loguid` → `event.id`, bytes and packets, users, `resource` → `url.original`,
 * `appi_name` → `network.application`, blades (IPS, Anti-Bot, Anti-Virus,
 * Threat Emulation, URL Filtering, Application Control, Identity Awareness,
 * VPN) to `event.category`.
 */
import type { FieldsBodyParser } from '../body-format';
import { isForbiddenKey } from '../keys';
import { countOf, endpoint, isIpAddress, mismatch, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const CHECKPOINT = 'checkpoint';

const DENIED = new Set(['drop', 'reject', 'block', 'prevent', 'deny', 'failed log in', 'bypass']);
const ALLOWED = new Set(['accept', 'allow', 'log in', 'log out', 'encrypt', 'decrypt', 'key install', 'detect', 'ask', 'inform', 'redirect']);
const THREAT_BLADES = new Set(['ips', 'smartdefense', 'anti bot', 'anti-bot', 'anti-virus', 'anti virus', 'threat emulation', 'threat extraction', 'anti-malware']);

/** Reads `[key:"value"; ...]`; undefined when the brackets, quotes or separators are broken. */
export function readColonPairs(text: string): Record<string, string> | undefined {
  const pairs: Record<string, string> = {};
  if (text.charCodeAt(0) !== 0x5b) return undefined;
  let index = 1;
  const length = text.length;
  while (index < length) {
    while (text.charCodeAt(index) === 0x20) index++;
    if (text.charCodeAt(index) === 0x5d) return pairs;
    const colon = text.indexOf(':"', index);
    if (colon <= index) return undefined;
    const key = text.slice(index, colon);
    let value = '';
    let position = colon + 2;
    let chunkStart = position;
    for (;;) {
      if (position >= length) return undefined;
      const code = text.charCodeAt(position);
      if (code === 0x5c && position + 1 < length) {
        value += text.slice(chunkStart, position);
        position++;
        chunkStart = position;
        position++;
        continue;
      }
      if (code === 0x22) break;
      position++;
    }
    value += text.slice(chunkStart, position);
    if (!isForbiddenKey(key)) pairs[key] = value;
    index = position + 1;
    if (text.charCodeAt(index) === 0x3b) index++;
    else if (text.charCodeAt(index) !== 0x5d) return undefined;
  }
  return undefined;
}

function categoryOf(product: string, action: string, denied: boolean): { category: string[]; type: string[] } {
  const blade = product.toLowerCase();
  if (THREAT_BLADES.has(blade)) return { category: [blade.includes('bot') || blade.includes('virus') || blade.includes('emulation') || blade.includes('malware') ? 'malware' : 'intrusion_detection', 'network'], type: [denied ? 'denied' : 'info'] };
  if (blade === 'url filtering') return { category: ['web', 'network'], type: [denied ? 'denied' : 'allowed'] };
  if (blade === 'application control') return { category: ['network'], type: ['connection', denied ? 'denied' : 'allowed'] };
  if (action === 'log in' || action === 'failed log in' || action === 'log out' || blade === 'identity awareness' || blade === 'mobile access') {
    return { category: ['authentication'], type: [action === 'log out' ? 'end' : 'start'] };
  }
  if (action === 'key install' || action === 'encrypt' || action === 'decrypt') return { category: ['network'], type: ['connection', 'allowed'] };
  return { category: ['network'], type: ['connection', denied ? 'denied' : 'allowed'] };
}

export const checkpointBodyParser: FieldsBodyParser = {
  dataset: CHECKPOINT,
  description: 'Check Point Log Exporter syslog ([action:"Drop"; src:"..."; ...] after an RFC 5424 header): firewall, NAT, VPN, identity, IPS, Anti-Bot, Anti-Virus, URL Filtering and Application Control logs, with the fields of Elastic\'s checkpoint integration.',
  compile() {
    return (body) => {
      if (body.charCodeAt(0) !== 0x5b) return undefined;
      const pairs = readColonPairs(body);
      if (pairs === undefined) {
        return mismatch(CHECKPOINT, 'The Check Point fields are not a complete [key:"value"; ...] list (a quote or the closing bracket is missing); check that the Log Exporter uses the syslog format and that the line was not cut.');
      }
      const actionText = pairs.action ?? '';
      const action = actionText.toLowerCase();
      const denied = DENIED.has(action);
      const product = pairs.product ?? '';
      const kind = categoryOf(product, action, denied);
      const event: Fields = { kind: 'event', category: kind.category, type: kind.type };
      put(event, 'action', action);
      if (action.length > 0) put(event, 'outcome', denied ? 'failure' : ALLOWED.has(action) ? 'success' : undefined);
      put(event, 'id', pairs.loguid);
      const sequence = countOf(pairs.sequencenum);
      if (sequence !== undefined) event.sequence = sequence;
      put(event, 'reason', pairs.drop_reason ?? pairs.reason);
      const observer: Fields = { vendor: 'Checkpoint', type: 'firewall' };
      put(observer, 'product', product);
      if (pairs.origin !== undefined) observer[isIpAddress(pairs.origin) ? 'ip' : 'name'] = pairs.origin;
      if (pairs.ifname !== undefined) observer[pairs.ifdir === 'outbound' ? 'egress' : 'ingress'] = { interface: { name: pairs.ifname } };
      const fields: Fields = { event, observer, checkpoint: pairs };
      const time = countOf(pairs.time);
      if (time !== undefined) fields['@timestamp'] = time * 1000;

      const source = endpoint(pairs.src, pairs.s_port);
      if (source !== undefined) {
        const nat = pairs.xlatesrc !== undefined && pairs.xlatesrc !== '0.0.0.0' ? endpoint(pairs.xlatesrc, pairs.xlatesport === '0' ? undefined : pairs.xlatesport) : undefined;
        if (nat !== undefined) source.nat = nat;
        put(source, 'bytes', countOf(pairs.client_outbound_bytes));
        put(source, 'packets', countOf(pairs.client_outbound_packets));
        const sourceUser = pairs.src_user_name ?? pairs.user;
        if (sourceUser !== undefined) source.user = { name: sourceUser };
        fields.source = source;
      }
      const destination = endpoint(pairs.dst, pairs.service);
      if (destination !== undefined) {
        const nat = pairs.xlatedst !== undefined && pairs.xlatedst !== '0.0.0.0' ? endpoint(pairs.xlatedst, pairs.xlatedport === '0' ? undefined : pairs.xlatedport) : undefined;
        if (nat !== undefined) destination.nat = nat;
        put(destination, 'bytes', countOf(pairs.server_outbound_bytes));
        put(destination, 'packets', countOf(pairs.server_outbound_packets));
        if (pairs.dst_user_name !== undefined) destination.user = { name: pairs.dst_user_name };
        fields.destination = destination;
      }
      const network: Fields = {};
      if (pairs.proto !== undefined) {
        put(network, 'iana_number', pairs.proto);
        put(network, 'transport', transportOf(pairs.proto));
      }
      put(network, 'application', pairs.appi_name?.toLowerCase());
      put(network, 'bytes', countOf(pairs.bytes));
      put(network, 'packets', countOf(pairs.packets));
      if (Object.keys(network).length > 0) fields.network = network;
      const rule: Fields = {};
      put(rule, 'name', pairs.rule_name ?? pairs.protection_name);
      put(rule, 'uuid', pairs.rule_uid);
      put(rule, 'id', pairs.rule ?? pairs.protection_id);
      put(rule, 'ruleset', pairs.layer_name);
      if (Object.keys(rule).length > 0) fields.rule = rule;
      const user = pairs.src_user_name ?? pairs.user ?? pairs.user_name;
      if (user !== undefined) fields.user = { name: user };
      if (pairs.resource !== undefined) fields.url = { original: pairs.resource };
      if (pairs.malware_family !== undefined) fields.threat = { software: { name: pairs.malware_family } };
      if (pairs.file_name !== undefined) fields.file = { name: pairs.file_name };
      return fields;
    };
  },
};

export const checkpointParser = defineSyslogBodyFormat(checkpointBodyParser);
