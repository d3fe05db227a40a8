/**
 * SonicWall SonicOS syslog in its default format: space-separated
 * `key=value` pairs (values with spaces quoted), as the SonicOS Log Events
 * Reference Guide's "Syslog Tag Field Description" lists them:
 *
 *   id=firewall sn=0040100A1B2C time="2026-12-04 10:00:00 UTC" fw=203.0.113.1 pri=6 c=1024 m=537 msg="Connection Closed"
 *   src=10.0.0.5:51000:X0 dst=198.51.100.20:443:X1 proto=tcp/https sent=1188 rcvd=1224 rule="22 (LAN->WAN)"
 *
 * Every pair is kept under `sonicwall.firewall.<key>`; ECS as Elastic's
 * sonicwall_firewall integration: `observer.{vendor: SonicWall, product:
 * SonicOS, type: firewall, serial_number (sn), ip (fw)}`, `event.code` (m,
 * the message id), `event.action` from the message, `source`/`destination`
 * from `src`/`dst` (`ip:port:interface[:name]`) with `natSrc`/`natDst`,
 * bytes and packets, `observer.{ingress,egress}.{interface.name,zone}`,
 * `network.{transport,protocol,application}`, `rule.name`, `user.name`
 * (`usr`), `url.*` and `http.response.status_code` for web site hits,
 * `log.level` from `pri`.
 */
import type { FieldsBodyParser } from '../body-format';
import { createBlankSeparatedPairsReader } from '../kv-scan';
import { parseIsoTimestamp } from '../time';
import { countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const SONICWALL = 'sonicwall';

const LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'];

/** `10.0.0.5:51000:X0:host.example` → endpoint and interface; IPv6 addresses are written without a port. */
function sonicEndpoint(text: string | undefined): { endpoint?: Fields; interface?: string } {
  if (text === undefined || text.length === 0) return {};
  const parts = text.split(':');
  if (parts.length > 4) return { endpoint: endpoint(text) };
  const found = endpoint(parts[0], parts[1]);
  if (found !== undefined && parts[3] !== undefined && parts[3].length > 0) found.domain = parts[3];
  return { endpoint: found, interface: parts[2] };
}

function classify(message: string, messageId: string): { action: string; category: string[]; type: string[]; outcome?: string } {
  const text = message.toLowerCase();
  const action = text.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const denied = /drop|denied|block|reject|fail|invalid|attack|spoof|probe/.test(text);
  if (/login|logout|log in|log out|authentication|user logged/.test(text)) {
    return { action, category: ['authentication'], type: [/logout|log out/.test(text) ? 'end' : 'start'], outcome: denied ? 'failure' : 'success' };
  }
  if (messageId === '97' || messageId === '14' || /web site|website/.test(text)) return { action, category: ['web', 'network'], type: [denied ? 'denied' : 'access'], outcome: denied ? 'failure' : 'success' };
  if (/virus|malware|intrusion|ips|spyware|attack/.test(text)) return { action, category: ['intrusion_detection', 'network'], type: [denied ? 'denied' : 'info'], outcome: denied ? 'failure' : undefined };
  if (/connection opened/.test(text)) return { action, category: ['network'], type: ['connection', 'start'] };
  if (/connection closed/.test(text)) return { action, category: ['network'], type: ['connection', 'end'] };
  return { action, category: ['network'], type: denied ? ['connection', 'denied'] : ['info'], outcome: denied ? 'failure' : undefined };
}

export const sonicwallBodyParser: FieldsBodyParser = {
  dataset: SONICWALL,
  description: 'SonicWall SonicOS syslog (id=firewall sn= time= fw= pri= c= m= msg= src= dst= ...): connections, drops, web site hits and blocks, VPN and user logins, intrusion prevention, with the fields of Elastic\'s sonicwall_firewall integration.',
  compile(_options, context) {
    const readPairs = createBlankSeparatedPairsReader();
    return (body) => {
      if (!body.startsWith('id=') && !body.startsWith('sn=')) return undefined;
      const pairs = readPairs(body);
      if (pairs.sn === undefined) return undefined;
      const messageId = pairs.m;
      if (messageId === undefined || !/^\d{1,5}$/.test(messageId) || pairs.msg === undefined) {
        return mismatch(SONICWALL, 'The SonicWall line has no numeric m= (message id) or no msg=; SonicOS writes both in its default syslog format. Check the syslog format setting (Default) on the firewall.');
      }
      const kind = classify(pairs.msg, messageId);
      const fwAction = pairs.fw_action !== undefined && pairs.fw_action !== 'NA' ? pairs.fw_action.toLowerCase() : undefined;
      const event: Fields = { kind: 'event', code: messageId, action: fwAction ?? kind.action, category: kind.category, type: kind.type };
      if (fwAction === 'drop' || fwAction === 'deny' || fwAction === 'block') {
        event.outcome = 'failure';
        (event.type as string[])[(event.type as string[]).length - 1] = 'denied';
      } else {
        put(event, 'outcome', kind.outcome);
      }
      const fields: Fields = {
        event,
        message: pairs.msg,
        observer: put(put(observer('SonicWall', 'SonicOS'), 'serial_number', pairs.sn), 'ip', pairs.fw),
        sonicwall: { firewall: pairs },
      };
      const priority = countOf(pairs.pri);
      if (priority !== undefined && priority < 8) fields.log = { level: LEVELS[priority] };
      if (pairs.time !== undefined) {
        const text = pairs.time.endsWith(' UTC') ? `${pairs.time.slice(0, -4).replace(' ', 'T')}Z` : pairs.time.replace(' ', 'T');
        const millis = parseIsoTimestamp(text, 0, text.length, 'lenient', context.zone);
        fields['@timestamp'] = Number.isNaN(millis) ? pairs.time : millis;
      }
      const source = sonicEndpoint(pairs.src);
      const destination = sonicEndpoint(pairs.dst);
      const ingress: Fields = {};
      const egress: Fields = {};
      if (source.interface !== undefined && source.interface.length > 0) ingress.interface = { name: source.interface };
      if (destination.interface !== undefined && destination.interface.length > 0) egress.interface = { name: destination.interface };
      put(ingress, 'zone', pairs.srcZone);
      put(egress, 'zone', pairs.dstZone);
      if (Object.keys(ingress).length > 0) (fields.observer as Fields).ingress = ingress;
      if (Object.keys(egress).length > 0) (fields.observer as Fields).egress = egress;
      if (source.endpoint !== undefined) {
        const nat = sonicEndpoint(pairs.natSrc).endpoint;
        if (nat !== undefined && nat.ip !== '0.0.0.0') source.endpoint.nat = nat;
        put(source.endpoint, 'bytes', countOf(pairs.sent));
        put(source.endpoint, 'packets', countOf(pairs.spkt));
        put(source.endpoint, 'mac', pairs.srcMac?.toUpperCase().replace(/:/g, '-'));
        fields.source = source.endpoint;
      }
      if (destination.endpoint !== undefined) {
        const nat = sonicEndpoint(pairs.natDst).endpoint;
        if (nat !== undefined && nat.ip !== '0.0.0.0') destination.endpoint.nat = nat;
        put(destination.endpoint, 'bytes', countOf(pairs.rcvd));
        put(destination.endpoint, 'packets', countOf(pairs.rpkt));
        put(destination.endpoint, 'mac', pairs.dstMac?.toUpperCase().replace(/:/g, '-'));
        put(destination.endpoint, 'domain', pairs.dstname);
        fields.destination = destination.endpoint;
      }
      const network: Fields = {};
      if (pairs.proto !== undefined) {
        const [transport, protocol] = pairs.proto.split('/');
        put(network, 'transport', transportOf(transport));
        put(network, 'protocol', protocol);
      }
      put(network, 'application', pairs.appName?.toLowerCase());
      if (Object.keys(network).length > 0) fields.network = network;
      if (pairs.rule !== undefined) fields.rule = { name: pairs.rule };
      if (pairs.usr !== undefined && pairs.usr.length > 0) fields.user = { name: pairs.usr.replace(/^"|"$/g, '') };
      if (pairs.arg !== undefined || pairs.dstname !== undefined) {
        const url: Fields = {};
        put(url, 'domain', pairs.dstname);
        put(url, 'path', pairs.arg);
        fields.url = url;
      }
      const status = countOf(pairs.result);
      if (status !== undefined && status >= 100 && status < 600) fields.http = { response: { status_code: status } };
      return fields;
    };
  },
};

export const sonicwallParser = defineSyslogBodyFormat(sonicwallBodyParser);
