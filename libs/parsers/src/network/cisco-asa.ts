/**
 * Cisco ASA and Firepower Threat Defense syslog messages
 * (`%ASA-6-302013: Built inbound TCP connection ...`), after Cisco's
 * "Cisco Secure Firewall ASA Series Syslog Messages" catalogue, mapped into
 * ECS as Elastic's cisco_asa integration names the fields: `event.code` and
 * `cisco.asa.message_id` (the six digits), `event.severity` and `log.level`
 * (the level digit and its Cisco name), `observer.*`, source and destination
 * with their NAT (mapped) addresses, `network.{transport,direction}`,
 * `cisco.asa.{source,destination}_interface`, `rule.name` of the access list.
 *
 * Connection messages name their two sides "for" and "to"; which one opened
 * the connection follows from the direction (inbound: the "for" side), so an
 * outbound connection's source is its "to" side, as Cisco's documentation
 * explains. A message id this parser knows whose text does not fit that id's
 * layout is a SIEM_PARSE_VENDOR_MISMATCH; other ids keep the common fields
 * and their text as the message.
 */
import type { FieldsBodyParser } from '../body-format';
import { countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const CISCO_ASA = 'cisco_asa';

const LEVEL_NAMES = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'] as const;

const HEADER = /^%(ASA|FTD|FWSM|PIX)-([0-7])-(\d{6}): ?/;
const IP = '([0-9A-Fa-f.:]+)';
/** `interface:address/port`, the interface possibly with spaces ("NP Identity Ifc"). */
const SIDE = `(.+?):${IP}\\/(\\d+)`;
/** Identity-firewall user or security group after an address, `(LOCAL\\alice)` or `(alice, 3)`. */
const ID = '(?:\\([^)]*\\))?';

type Match = RegExpExecArray;

interface MessageLayout {
  readonly ids: readonly string[];
  readonly pattern: RegExp;
  readonly fields: (match: Match, id: string) => Fields;
}

function side(address: string | undefined, port: string | undefined, mapped?: string, mappedPort?: string): Fields {
  const fields = endpoint(address, port) ?? {};
  if (mapped !== undefined && (mapped !== address || mappedPort !== port)) {
    const nat = endpoint(mapped, mappedPort);
    if (nat !== undefined) fields.nat = nat;
  }
  return fields;
}

function networkEvent(action: string, type: string[], outcome?: 'success' | 'failure'): Fields {
  const event: Fields = { kind: 'event', category: ['network'], type, action };
  if (outcome !== undefined) event.outcome = outcome;
  return event;
}

function authEvent(action: string, outcome: 'success' | 'failure', type = 'info'): Fields {
  return { kind: 'event', category: ['authentication'], type: [type], action, outcome };
}

/** `h:mm:ss` (hours may exceed 24) → nanoseconds. */
function durationNanos(hours: string, minutes: string, seconds: string): number {
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1e9;
}

function interfaces(source: string | undefined, destination: string | undefined, extra: Fields = {}): Fields {
  const asa = put(put(extra, 'source_interface', source), 'destination_interface', destination);
  return asa;
}

function observerInterfaces(ingress: string | undefined, egress: string | undefined): Fields {
  const fields: Fields = {};
  if (ingress !== undefined) fields.ingress = { interface: { name: ingress } };
  if (egress !== undefined) fields.egress = { interface: { name: egress } };
  return fields;
}

const LAYOUTS: readonly MessageLayout[] = [
  {
    // Built {inbound|outbound} {TCP|UDP} connection id for if:addr/port (mapped/port) to if:addr/port (mapped/port) [(user)]
    ids: ['302013', '302015'],
    pattern: new RegExp(`^Built (inbound|outbound) (TCP|UDP) connection (\\d+) for ${SIDE} \\(${IP}\\/(\\d+)\\)${ID} to ${SIDE} \\(${IP}\\/(\\d+)\\)${ID}(?: \\(([^)]*)\\))?`),
    fields(m) {
      const inbound = m[1] === 'inbound';
      const forSide = side(m[5], m[6], m[7], m[8]);
      const toSide = side(m[10], m[11], m[12], m[13]);
      const [sourceInterface, destinationInterface] = inbound ? [m[4], m[9]] : [m[9], m[4]];
      const fields: Fields = {
        event: networkEvent('flow-creation', ['connection', 'start']),
        source: inbound ? forSide : toSide,
        destination: inbound ? toSide : forSide,
        network: { transport: transportOf(m[2]), direction: m[1] },
        observer: observerInterfaces(sourceInterface, destinationInterface),
        cisco: { asa: interfaces(sourceInterface, destinationInterface, { connection_id: m[3] }) },
      };
      if (m[14] !== undefined) fields.user = { name: m[14] };
      return fields;
    },
  },
  {
    // Teardown {TCP|UDP} connection id for if:addr/port to if:addr/port duration h:mm:ss bytes n [reason] [(user)]
    ids: ['302014', '302016'],
    pattern: new RegExp(`^Teardown (TCP|UDP) connection (\\d+) for ${SIDE}${ID} to ${SIDE}${ID} duration (\\d+):(\\d\\d):(\\d\\d) bytes (\\d+)(?: ([^(]*?))?(?: \\(([^)]*)\\))?$`),
    fields(m) {
      const fields: Fields = {
        event: put(networkEvent('flow-expiration', ['connection', 'end']), 'duration', durationNanos(m[9]!, m[10]!, m[11]!)),
        source: side(m[4], m[5]),
        destination: side(m[7], m[8]),
        network: { transport: transportOf(m[1]), bytes: countOf(m[12]) },
        observer: observerInterfaces(m[3], m[6]),
        cisco: { asa: interfaces(m[3], m[6], { connection_id: m[2] }) },
      };
      if (m[13] !== undefined && m[13].length > 0) (fields.event as Fields).reason = m[13];
      if (m[14] !== undefined) fields.user = { name: m[14] };
      return fields;
    },
  },
  {
    // Built {inbound|outbound} ICMP connection for faddr addr/id gaddr addr/id laddr addr/id [type t code c]
    ids: ['302020', '302021'],
    pattern: new RegExp(`^(Built|Teardown) (?:(inbound|outbound) )?(ICMP|ICMPv6) connection for faddr ${IP}\\/(\\d+)${ID} gaddr ${IP}\\/(\\d+) laddr ${IP}\\/(\\d+)`),
    fields(m) {
      const built = m[1] === 'Built';
      const foreign = endpoint(m[4]) ?? {};
      const local = side(m[8], undefined, m[6]);
      const outbound = m[2] === 'outbound';
      const network: Fields = { transport: transportOf(m[3]) };
      if (m[2] !== undefined) network.direction = m[2];
      return {
        event: networkEvent(built ? 'flow-creation' : 'flow-expiration', ['connection', built ? 'start' : 'end']),
        source: outbound ? local : foreign,
        destination: outbound ? foreign : local,
        network,
        cisco: { asa: { icmp_type: m[5], icmp_code: m[9] } },
      };
    },
  },
  {
    // Deny protocol src if:addr[/port] [(user)] dst if:addr[/port] [(user)] [(type t, code c)] by access-group "acl" [...]
    ids: ['106023'],
    pattern: new RegExp(`^Deny (\\S+) src (.+?):${IP}(?:\\/(\\d+))?${ID} dst (.+?):${IP}(?:\\/(\\d+))?${ID}(?: \\(type (\\d+), code (\\d+)\\))? by access-group "([^"]*)"`),
    fields(m) {
      return {
        event: networkEvent('firewall-rule', ['connection', 'denied'], 'failure'),
        source: side(m[3], m[4]),
        destination: side(m[6], m[7]),
        network: { transport: transportOf(m[1]) },
        rule: { name: m[10] },
        observer: observerInterfaces(m[2], m[5]),
        cisco: { asa: interfaces(m[2], m[5], { rule_name: m[10] }) },
      };
    },
  },
  {
    // access-list acl {permitted|denied|est-allowed} protocol if/addr(port) [(user)] -> if/addr(port) [(user)] hit-cnt n ...
    ids: ['106100'],
    pattern: new RegExp(`^access-list (\\S+) (permitted|denied|est-allowed) (\\S+) (.+?)\\/${IP}\\((\\d+)\\)${ID} -> (.+?)\\/${IP}\\((\\d+)\\)${ID} hit-cnt (\\d+)`),
    fields(m) {
      const denied = m[2] === 'denied';
      return {
        event: networkEvent('firewall-rule', ['connection', denied ? 'denied' : 'allowed'], denied ? 'failure' : 'success'),
        source: side(m[5], m[6]),
        destination: side(m[8], m[9]),
        network: { transport: transportOf(m[3]) },
        rule: { name: m[1] },
        observer: observerInterfaces(m[4], m[7]),
        cisco: { asa: interfaces(m[4], m[7], { rule_name: m[1], hit_count: countOf(m[10]) }) },
      };
    },
  },
  {
    // Inbound TCP connection denied from addr/port to addr/port flags f on interface if
    ids: ['106001'],
    pattern: new RegExp(`^Inbound (TCP) connection denied from ${IP}\\/(\\d+) to ${IP}\\/(\\d+) flags (.*?) +on interface (\\S+)`),
    fields: (m) => denial(m[1]!, m[2], m[3], m[4], m[5], m[7], m[6]),
  },
  {
    // Deny inbound UDP from addr/port to addr/port on interface if / ... due to DNS {Response|Query}
    ids: ['106006', '106007'],
    pattern: new RegExp(`^Deny inbound (UDP) from ${IP}\\/(\\d+) to ${IP}\\/(\\d+)(?: due to DNS \\w+)? on interface (\\S+)`),
    fields: (m) => denial(m[1]!, m[2], m[3], m[4], m[5], m[6]),
  },
  {
    // Deny TCP (no connection) from addr/port to addr/port flags f on interface if
    ids: ['106015'],
    pattern: new RegExp(`^Deny (TCP) \\(no connection\\) from ${IP}\\/(\\d+) to ${IP}\\/(\\d+) flags (.*?) +on interface (\\S+)`),
    fields: (m) => denial(m[1]!, m[2], m[3], m[4], m[5], m[7], m[6]),
  },
  {
    // Built|Teardown {dynamic|static} {TCP|UDP|ICMP} translation from if:addr/port to if:addr/port [duration h:mm:ss]
    ids: ['305011', '305012'],
    pattern: new RegExp(`^(Built|Teardown) (dynamic|static) (TCP|UDP|ICMP) translation from ${SIDE} to ${SIDE}(?: duration (\\d+):(\\d\\d):(\\d\\d))?`),
    fields(m) {
      const built = m[1] === 'Built';
      const event = networkEvent(built ? 'translation-creation' : 'translation-expiration', ['connection', built ? 'start' : 'end']);
      if (m[10] !== undefined) event.duration = durationNanos(m[10], m[11]!, m[12]!);
      return {
        event,
        source: side(m[5], m[6], m[8], m[9]),
        network: { transport: transportOf(m[3]) },
        cisco: { asa: interfaces(m[4], m[7], { mapping_type: m[2] }) },
      };
    },
  },
  {
    // AAA user authentication Successful : server = addr : user = name   (113012: local database)
    ids: ['113004', '113012'],
    pattern: /^AAA user authentication Successful : (?:server = (\S+)|local database) : user = (.+)$/,
    fields: (m) => aaa(m[2], m[1], undefined, 'success'),
  },
  {
    // AAA user authentication Rejected : reason = r : server = addr : user = name : user IP = addr   (113015: local database)
    ids: ['113005', '113015'],
    pattern: /^AAA user authentication Rejected : reason = (.+?) : (?:server = (\S+)|local database) : user = (.+?) : user IP = (\S+)$/,
    fields(m) {
      const fields = aaa(m[3], m[2], m[4], 'failure');
      (fields.event as Fields).reason = m[1];
      return fields;
    },
  },
  {
    // Group = g, Username = u, IP = addr, Session disconnected. Session Type: t, Duration: d, Bytes xmt: n, Bytes rcv: n, Reason: r
    ids: ['113019'],
    pattern: /^Group = (.+?), Username = (.+?), IP = (\S+), Session disconnected\. Session Type: (.+?), Duration: (.+?), Bytes xmt: (\d+), Bytes rcv: (\d+), Reason: (.*)$/,
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'session'], type: ['end'], action: 'vpn-session-disconnected', reason: m[8] },
        user: { name: m[2] },
        source: { ip: m[3], bytes: countOf(m[7]) },
        destination: { bytes: countOf(m[6]) },
        cisco: { asa: { tunnel_group: m[1], session_type: m[4], duration_text: m[5] } },
      };
    },
  },
  {
    // Group <g> User <u> IP <addr> IPv4 Address <addr> IPv6 address <addr> assigned to session
    ids: ['722051'],
    pattern: /^Group <(.*?)> User <(.*?)> IP <(\S+?)> IPv4 Address <(\S*?)> IPv6 address <(\S*?)> assigned to session/,
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'session'], type: ['start'], action: 'vpn-address-assigned', outcome: 'success' },
        user: { name: m[2] },
        source: endpoint(m[3]) ?? {},
        cisco: { asa: put(put({ tunnel_group: m[1] }, 'assigned_ip', m[4]), 'assigned_ipv6', m[5]) },
      };
    },
  },
  {
    // Group <g> User <u> IP <addr> WebVPN session started.
    ids: ['716001'],
    pattern: /^Group <?(.*?)>? User <?(.*?)>? IP <?([0-9A-Fa-f.:]+)>? WebVPN session started/,
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'session'], type: ['start'], action: 'webvpn-session-started', outcome: 'success' },
        user: { name: m[2] },
        source: endpoint(m[3]) ?? {},
        cisco: { asa: { tunnel_group: m[1] } },
      };
    },
  },
  {
    // User authentication {succeeded|failed}: IP address: addr, Uname: name
    ids: ['611101', '611102'],
    pattern: /^User authentication (succeeded|failed): (?:IP address: ([0-9A-Fa-f.:]+), )?Uname: (.+)$/,
    fields(m) {
      const fields: Fields = { event: authEvent('user-authentication', m[1] === 'succeeded' ? 'success' : 'failure', 'start'), user: { name: m[3] } };
      const source = endpoint(m[2]);
      if (source !== undefined) fields.source = source;
      return fields;
    },
  },
  {
    // Login {denied|permitted} from addr/port to if:addr/service for user "name"
    ids: ['605004', '605005'],
    pattern: new RegExp(`^Login (denied|permitted) from ${IP}\\/(\\d+) to (.+?):${IP}\\/(\\S+) for user "(.*)"`),
    fields(m) {
      const permitted = m[1] === 'permitted';
      const destination = endpoint(m[5], m[6]) ?? {};
      return {
        event: authEvent('management-login', permitted ? 'success' : 'failure', 'start'),
        user: { name: m[7] },
        source: side(m[2], m[3]),
        destination,
        cisco: { asa: { destination_interface: m[4], service: m[6] } },
      };
    },
  },
  {
    // User 'name' executed the 'command' command.
    ids: ['111008', '111010'],
    pattern: /^User '(.+?)'(?:, running '.*?' from IP (\S+),)? executed (?:the )?'(.*)'(?: command)?\.?$/,
    fields(m) {
      const fields: Fields = {
        event: { kind: 'event', category: ['configuration'], type: ['change'], action: 'command-executed', outcome: 'success' },
        user: { name: m[1] },
        cisco: { asa: { command_line: m[3] } },
      };
      const source = endpoint(m[2]);
      if (source !== undefined) fields.source = source;
      return fields;
    },
  },
];

function denial(protocol: string, sourceIp?: string, sourcePort?: string, destinationIp?: string, destinationPort?: string, ingress?: string, flags?: string): Fields {
  const asa: Fields = put({}, 'source_interface', ingress);
  if (flags !== undefined) asa.tcp_flags = flags;
  return {
    event: networkEvent('firewall-rule', ['connection', 'denied'], 'failure'),
    source: side(sourceIp, sourcePort),
    destination: side(destinationIp, destinationPort),
    network: { transport: transportOf(protocol) },
    observer: observerInterfaces(ingress, undefined),
    cisco: { asa },
  };
}

function aaa(user: string | undefined, server: string | undefined, userIp: string | undefined, outcome: 'success' | 'failure'): Fields {
  const fields: Fields = { event: authEvent('aaa-user-authentication', outcome, 'start') };
  if (user !== undefined && user !== '***') fields.user = { name: user };
  const source = endpoint(userIp);
  if (source !== undefined) fields.source = source;
  const destination = endpoint(server);
  if (destination !== undefined) fields.destination = destination;
  return fields;
}

const BY_ID: ReadonlyMap<string, MessageLayout> = new Map(LAYOUTS.flatMap((layout) => layout.ids.map((id) => [id, layout] as const)));

/** Drops undefined values left by optional captures, so the event holds only what the line said. */
function compact(fields: Fields): Fields {
  // for-in allocates no key array; this runs on every message of a known id.
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) {
      delete fields[key];
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      compact(value as Fields);
      if (isEmpty(value as Fields)) delete fields[key];
    }
  }
  return fields;
}

function isEmpty(fields: Fields): boolean {
  for (const _key in fields) return false;
  return true;
}

/** The known message ids, for the parser catalogue and tests. */
export const CISCO_ASA_MESSAGE_IDS: readonly string[] = [...BY_ID.keys()];

export const ciscoAsaBodyParser: FieldsBodyParser = {
  dataset: CISCO_ASA,
  description: 'Cisco ASA and FTD syslog messages (%ASA-6-302013: ...): connections, denies, access lists, NAT, VPN and AAA, with the fields of Elastic\'s cisco_asa integration.',
  compile() {
    return (body) => {
      const header = HEADER.exec(body);
      if (header === null) return undefined;
      const [, product, levelText, id] = header as unknown as [string, string, string, string];
      const level = Number(levelText);
      const text = body.slice(header[0].length);
      const common: Fields = {
        event: { code: id, severity: level },
        log: { level: LEVEL_NAMES[level] },
        observer: observer('Cisco', product === 'FTD' ? 'Firepower Threat Defense' : product === 'ASA' ? 'ASA' : product),
        cisco: { asa: { message_id: id } },
        message: text,
      };
      const layout = BY_ID.get(id);
      if (layout === undefined) return common;
      const match = layout.pattern.exec(text);
      if (match === null) {
        return mismatch(CISCO_ASA, `The text of Cisco message ${product}-${levelText}-${id} does not have the layout Cisco documents for that id (${layout.pattern.source.slice(1, 60)}...); check the device's software version and logging settings.`);
      }
      const fields = compact(layout.fields(match, id));
      const event = fields.event as Fields;
      Object.assign(common.event as Fields, event);
      const asa = (fields.cisco as Fields | undefined)?.asa as Fields | undefined;
      if (asa !== undefined) Object.assign((common.cisco as Fields).asa as Fields, asa);
      const observerFields = fields.observer as Fields | undefined;
      if (observerFields !== undefined) Object.assign(common.observer as Fields, observerFields);
      for (const key of ['source', 'destination', 'network', 'rule', 'user'] as const) if (fields[key] !== undefined) common[key] = fields[key];
      return common;
    };
  },
};

export const ciscoAsaParser = defineSyslogBodyFormat(ciscoAsaBodyParser);
