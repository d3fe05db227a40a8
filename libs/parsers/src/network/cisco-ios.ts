/**
 * Cisco IOS and IOS XE system messages, as Cisco's System Message Guide
 * describes them: an optional sequence number, an optional origin id and
 * time stamp (`*` when the clock is not synchronised), then
 * `%FACILITY[-SUBFACILITY]-SEVERITY-MNEMONIC: text`:
 *
 *   123: *Dec  4 10:00:00.123 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.9(4431) -> 10.0.0.5(22), 1 packet
 *
 * As Elastic's cisco_ios integration: `event.code` (the mnemonic),
 * `cisco.ios.{facility,sequence,access_list}`,
 * `event.severity` and `log.level` from the severity digit,
 * `observer.{vendor: Cisco, product: IOS, type: router}`; access-list hits
 * (IPv4 and IPv6, extended, standard, ICMP, other protocols) →
 * `source/destination.{ip,port}`, `network.{transport,packets}`,
 * `event.{action: permitted|denied, outcome, type}`, `rule.name`; logins,
 * configuration changes, SSH sessions, interface and routing neighbour
 * changes, port security violations → their ECS fields.
 */
import type { FieldsBodyParser } from '../body-format';
import { parseDeviceTime } from '../device-time';
import { countOf, endpoint, mismatch, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const CISCO_IOS = 'cisco_ios';

/** Sequence number, origin id, time stamp, then the message code. Each part is optional; the code is not. */
const HEADER = /^(?:(\d{1,10}): )?(?:([A-Za-z0-9][\w.-]*): )?(?:[*.]?([A-Z][a-z]{2} {1,2}\d{1,2}(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d{1,6})?)(?: ([A-Z]{2,5}))?: )?%([A-Z0-9_]+(?:-[A-Z0-9_]+)?)-([0-7])-([A-Z0-9_]+): /;
const LEVELS = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'];

/** Whether a body carries an IOS message code, for chaining bodies whose program is not a marker. */
export function looksLikeCiscoIos(body: string): boolean {
  return HEADER.test(body);
}

// "list 101 denied tcp 203.0.113.9(4431) -> 10.0.0.5(22), 1 packet" and the IPv6 "list NAME/10 permitted tcp 2001:db8::1(11001) -> 2001:db8::2(23), 1 packet"
const ACL_PORTS = /^list (\S+) (permitted|denied) (tcp|udp) ([0-9A-Fa-f:.]+)\((\d{1,5})\)(?: \([^)]*\))? -> ([0-9A-Fa-f:.]+)\((\d{1,5})\), (\d+) packets?/;
// "list 110 denied icmp 203.0.113.9 -> 10.0.0.5 (8/0), 1 packet"
const ACL_ICMP = /^list (\S+) (permitted|denied) (icmp|ipv6-icmp|icmpv6) ([0-9A-Fa-f:.]+)(?: \([^)]*\))? -> ([0-9A-Fa-f:.]+) \((\d+)\/(\d+)\), (\d+) packets?/;
// "list 120 permitted 89 192.0.2.2 -> 224.0.0.5, 1 packet" (other protocols by number or name)
const ACL_PROTOCOL = /^list (\S+) (permitted|denied) (\S+) ([0-9A-Fa-f:.]+)(?: \([^)]*\))? -> ([0-9A-Fa-f:.]+), (\d+) packets?/;
// "list 10 denied 203.0.113.9 3 packets" (standard lists name only the source)
const ACL_STANDARD = /^list (\S+) (permitted|denied) ([0-9A-Fa-f:.]+)(?: \([^)]*\))?,? (\d+) packets?/;
const LOGIN = /^Login (Success|failed) \[user: ([^\]]*)\] \[Source: ([^\]]*)\] \[localport: (\d+)\](?: \[Reason: ([^\]]*)\])?/;

/** Every group of the access-list patterns takes part in a match. */
type AclMatch = [string, string, string, ...string[]];

function accessList(text: string): Fields | undefined {
  let match = ACL_PORTS.exec(text) as AclMatch | null;
  const fields: Fields = {};
  let list: string;
  let verdict: string;
  if (match !== null) {
    [, list, verdict] = match;
    fields.source = endpoint(match[4], match[5]);
    fields.destination = endpoint(match[6], match[7]);
    fields.network = { transport: match[3], packets: countOf(match[8]) };
  } else if ((match = ACL_ICMP.exec(text) as AclMatch | null) !== null) {
    [, list, verdict] = match;
    fields.source = endpoint(match[4]);
    fields.destination = endpoint(match[5]);
    fields.network = { transport: transportOf(match[3]), packets: countOf(match[8]) };
    fields.cisco = { ios: { icmp_type: Number(match[6]), icmp_code: Number(match[7]) } };
  } else if ((match = ACL_PROTOCOL.exec(text) as AclMatch | null) !== null) {
    [, list, verdict] = match;
    fields.source = endpoint(match[4]);
    fields.destination = endpoint(match[5]);
    fields.network = { transport: transportOf(match[3]), packets: countOf(match[6]) };
  } else if ((match = ACL_STANDARD.exec(text) as AclMatch | null) !== null) {
    [, list, verdict] = match;
    fields.source = endpoint(match[3]);
    fields.network = { packets: countOf(match[4]) };
  } else {
    return undefined;
  }
  const denied = verdict === 'denied';
  fields.event = { action: verdict, outcome: denied ? 'failure' : 'success', category: ['network'], type: ['connection', denied ? 'denied' : 'allowed'] };
  fields.rule = { name: list };
  const ios = (fields.cisco as Fields | undefined)?.ios as Fields | undefined;
  if (ios === undefined) fields.cisco = { ios: { access_list: list } };
  else ios.access_list = list;
  return fields;
}

/** Copies the keys of `from` over `target`, as a spread into an object literal would; returns `target`. */
function copyInto(target: Fields, from: Fields | undefined): Fields {
  if (from !== undefined) for (const key in from) target[key] = from[key];
  return target;
}

function message(mnemonic: string, facility: string, text: string): Fields | undefined {
  if (mnemonic.startsWith('IPACCESSLOG') || (facility.endsWith('_ACL') && mnemonic.startsWith('ACCESSLOG'))) return accessList(text);
  if (facility === 'SEC_LOGIN' && (mnemonic === 'LOGIN_SUCCESS' || mnemonic === 'LOGIN_FAILED')) {
    const login = LOGIN.exec(text);
    if (login === null) return undefined;
    const success = login[1] === 'Success';
    const fields: Fields = {
      event: { action: success ? 'login-success' : 'login-failed', outcome: success ? 'success' : 'failure', category: ['authentication'], type: ['start'] },
      user: { name: login[2] },
      source: endpoint(login[3]),
      destination: { port: Number(login[4]) },
    };
    put(fields.event as Fields, 'reason', login[5]);
    return fields;
  }
  if (mnemonic === 'CONFIG_I') {
    const config = /^Configured from (\S+) by (\S+)(?: on (\S+))?(?: \(([0-9A-Fa-f:.]+)\))?/.exec(text);
    if (config === null) return undefined;
    const fields: Fields = { event: { action: 'configured', category: ['configuration'], type: ['change'] }, user: { name: config[2] } };
    put(fields, 'source', endpoint(config[4]));
    fields.cisco = { ios: { config_source: config[1], ...(config[3] === undefined ? {} : { line: config[3] }) } };
    return fields;
  }
  if (mnemonic === 'CFGLOG_LOGGEDCMD') {
    const command = /^User:(\S+) +logged command:(.*)$/.exec(text);
    if (command === null) return undefined;
    return { event: { action: 'command-logged', category: ['configuration'], type: ['change'] }, user: { name: command[1] }, cisco: { ios: { command: command[2] } } };
  }
  if (facility === 'SSH' && (mnemonic === 'SSH2_USERAUTH' || mnemonic === 'SSH2_SESSION')) {
    const ssh = /^(?:User '([^']*)' authentication for )?SSH2 Session (?:request )?from ([0-9A-Fa-f:.]+) \(tty = (\d+)\).* (Succeeded|Failed)$/.exec(text);
    if (ssh === null) return undefined;
    const success = ssh[4] === 'Succeeded';
    const fields: Fields = {
      event: { action: mnemonic === 'SSH2_USERAUTH' ? 'ssh-user-auth' : 'ssh-session', outcome: success ? 'success' : 'failure', category: ['authentication', 'session'], type: ['start'] },
      source: endpoint(ssh[2]),
      network: { protocol: 'ssh' },
    };
    if (ssh[1] !== undefined) fields.user = { name: ssh[1] };
    return fields;
  }
  if (mnemonic === 'UPDOWN') {
    const link = /Interface (\S+), changed state to (up|down|administratively down)/.exec(text);
    if (link === null) return undefined;
    return {
      event: { action: `interface-${(link[2] ?? '').replace('administratively ', 'admin-')}`, category: ['network'], type: ['change'] },
      observer: { ingress: { interface: { name: link[1] } } },
      cisco: { ios: { interface_state: link[2], ...(facility === 'LINEPROTO' ? { line_protocol: true } : {}) } },
    };
  }
  if (mnemonic === 'ADJCHG' || mnemonic === 'ADJCHANGE' || mnemonic === 'NBRCHANGE') {
    const neighbour = /(?:Nbr|neighbor|Neighbor) ([0-9A-Fa-f:.]+)/.exec(text);
    return { event: { action: 'neighbor-change', category: ['network'], type: ['change'], reason: text }, destination: endpoint(neighbour?.[1]) };
  }
  if (mnemonic === 'PSECURE_VIOLATION') {
    const violation = /MAC address ([0-9a-f.]+) on port (\S+?)\.?$/.exec(text);
    const fields: Fields = { event: { action: 'port-security-violation', outcome: 'failure', category: ['network', 'intrusion_detection'], type: ['denied'] } };
    if (violation !== null) {
      const hex = (violation[1] ?? '').replace(/\./g, '');
      fields.source = { mac: hex.length === 12 ? hex.toUpperCase().match(/../g)?.join('-') : violation[1] };
      fields.observer = { ingress: { interface: { name: violation[2] } } };
    }
    return fields;
  }
  if (mnemonic === 'RESTART' || mnemonic === 'RELOAD') return { event: { action: mnemonic === 'RESTART' ? 'restarted' : 'reload-requested', category: ['host'], type: ['start'] } };
  if (mnemonic === 'LOGGINGHOST_STARTSTOP') {
    const host = /Logging to host ([0-9A-Fa-f:.]+)(?: port (\d+))? (started|stopped)/.exec(text);
    if (host !== null) return { event: { action: `logging-${host[3]}`, category: ['configuration'], type: ['change'] }, destination: endpoint(host[1], host[2]) };
  }
  return undefined;
}

export const ciscoIosBodyParser: FieldsBodyParser = {
  dataset: CISCO_IOS,
  description: 'Cisco IOS / IOS XE system messages (%FACILITY-SEVERITY-MNEMONIC: ...) with sequence number and time stamp: access-list hits, logins, configuration changes, SSH, interface, routing neighbour and port security messages, as Elastic\'s cisco_ios integration maps them.',
  compile(_options, context) {
    return (body) => {
      const header = HEADER.exec(body);
      if (header === null) {
        if (/^(?:\d+: )?(?:\S+: )?[*.]?[A-Z][a-z]{2} .*%[A-Z0-9_]+-/.test(body) || body.startsWith('%')) {
          return mismatch(CISCO_IOS, 'The Cisco IOS message code is not %FACILITY-SEVERITY-MNEMONIC with a severity 0-7, or the time stamp before it is not "Mmm dd [yyyy ]hh:mm:ss[.mmm][ ZONE]"; check "service timestamps log datetime" on the device.');
        }
        return undefined;
      }
      const [whole, sequence, origin, time, zone, facility, severity, mnemonic] = header as unknown as [string, string | undefined, string | undefined, string | undefined, string | undefined, string, string, string];
      const text = body.slice(whole.length);
      const level = Number(severity);
      // The message's own fields are a fresh object: completed in place, where object spreads cost a quarter of the parse.
      const fields = message(mnemonic, facility.split('-', 1).join(''), text) ?? {};
      const event: Fields = { kind: 'event', code: mnemonic, severity: level };
      copyInto(event, fields.event as Fields | undefined);
      event.category ??= ['network'];
      event.type ??= ['info'];
      fields.event = event;
      fields.log = { level: LEVELS[level] };
      fields.message = text;
      fields.observer = copyInto({ vendor: 'Cisco', product: 'IOS', type: 'router' }, fields.observer as Fields | undefined);
      const ios = copyInto({ facility }, (fields.cisco as Fields | undefined)?.ios as Fields | undefined);
      if (sequence !== undefined) ios.sequence = sequence;
      fields.cisco = { ios };
      if (origin !== undefined) (fields.observer as Fields).name = origin;
      if (time !== undefined) {
        const stamp = `${time.replace('  ', ' ')}${zone === undefined ? '' : ` ${zone}`}`;
        // A time that does not read (an unknown zone abbreviation) is passed on as text: the caller tags the event.
        fields['@timestamp'] = parseDeviceTime(stamp, context.zone, context.now) ?? stamp;
      }
      return fields;
    };
  },
};

export const ciscoIosParser = defineSyslogBodyFormat(ciscoIosBodyParser);
