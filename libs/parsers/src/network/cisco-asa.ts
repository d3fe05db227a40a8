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
  // Denies by other checks than an access group: Cisco's 106002-106022, 313001-313008, 710003-710006, 305005-305013, 419002, 500004.
  {
    // protocol Connection denied by outbound list acl src inside_address dest outside_address
    ids: ['106002'],
    pattern: new RegExp(`^(\\S+) Connection denied by outbound list (\\S+) src ${IP} dest ${IP}`),
    fields: (m) => ({ ...denial(m[1]!, m[3], undefined, m[4]), rule: { name: m[2] } }),
  },
  {
    // Deny inbound protocol src if:addr/port [(user)] dst if:addr/port [(user)]
    ids: ['106010'],
    pattern: new RegExp(`^Deny inbound (\\S+) src (.+?):${IP}(?:\\/(\\d+))?${ID} dst (.+?):${IP}(?:\\/(\\d+))?${ID}`),
    fields: (m) => routedDenial(m[1]!, m[2], m[3], m[4], m[5], m[6], m[7]),
  },
  {
    // Deny inbound icmp src if : addr [(user)] dst if : addr [(user)] (type t, code c)
    ids: ['106014'],
    pattern: new RegExp(`^Deny inbound (icmp|ICMP) src (.+?) ?: ?${IP}${ID} dst (.+?) ?: ?${IP}${ID} \\(type (\\d+), code (\\d+)\\)`),
    fields(m) {
      const fields = routedDenial(m[1]!, m[2], m[3], undefined, m[4], m[5]);
      Object.assign((fields.cisco as Fields).asa as Fields, { icmp_type: m[6], icmp_code: m[7] });
      return fields;
    },
  },
  {
    // Deny IP spoof from (addr) to addr on interface if
    ids: ['106016'],
    pattern: new RegExp(`^Deny IP spoof from \\(${IP}\\) to ${IP} on interface (\\S+)`),
    fields: (m) => withReason(denial('ip', m[1], undefined, m[2], undefined, m[3]), 'IP spoof'),
  },
  {
    // Deny IP due to Land Attack from addr to addr
    ids: ['106017'],
    pattern: new RegExp(`^Deny IP due to Land Attack from ${IP} to ${IP}`),
    fields: (m) => withReason(denial('ip', m[1], undefined, m[2]), 'Land Attack'),
  },
  {
    // ICMP packet type t denied by outbound list acl src inside_address dest outside_address
    ids: ['106018'],
    pattern: new RegExp(`^(ICMP|ICMPv6) packet type (\\S+) denied by outbound list (\\S+) src ${IP} dest ${IP}`),
    fields(m) {
      const fields = denial(m[1]!, m[4], undefined, m[5]);
      fields.rule = { name: m[3] };
      Object.assign((fields.cisco as Fields).asa as Fields, { icmp_type: m[2], rule_name: m[3] });
      return fields;
    },
  },
  {
    // Deny IP teardrop fragment (size = n, offset = n) from addr to addr
    ids: ['106020'],
    pattern: new RegExp(`^Deny IP teardrop fragment \\(size = (\\d+), offset = (\\d+)\\) from ${IP} to ${IP}`),
    fields: (m) => withReason(denial('ip', m[3], undefined, m[4]), 'teardrop fragment'),
  },
  {
    // Deny protocol reverse path check from addr to addr on interface if
    ids: ['106021'],
    pattern: new RegExp(`^Deny (\\S+) reverse path check from ${IP} to ${IP} on interface (\\S+)`),
    fields: (m) => withReason(denial(m[1]!, m[2], undefined, m[3], undefined, m[4]), 'reverse path check'),
  },
  {
    // Deny protocol connection spoof from addr to addr on interface if
    ids: ['106022'],
    pattern: new RegExp(`^Deny (\\S+) connection spoof from ${IP} to ${IP} on interface (\\S+)`),
    fields: (m) => withReason(denial(m[1]!, m[2], undefined, m[3], undefined, m[4]), 'connection spoof'),
  },
  {
    // Denied ICMP type=t, code=c from addr on interface if   (313008: ICMPv6)
    ids: ['313001', '313008'],
    pattern: new RegExp(`^Denied (ICMP|ICMPv6) type=(\\d+), code=(\\d+) from ${IP} on interface (\\S+)`),
    fields(m) {
      const fields = denial(m[1]!, m[4], undefined, undefined, undefined, m[5]);
      Object.assign((fields.cisco as Fields).asa as Fields, { icmp_type: m[2], icmp_code: m[3] });
      return fields;
    },
  },
  {
    // Denied ICMP type=t, from laddr addr on interface if to addr: no matching session
    ids: ['313004'],
    pattern: new RegExp(`^Denied (ICMP) type=(\\d+), from (?:laddr )?${IP} on interface (\\S+) to ${IP}: (.*)$`),
    fields(m) {
      const fields = withReason(denial(m[1]!, m[3], undefined, m[5], undefined, m[4]), m[6]!);
      Object.assign((fields.cisco as Fields).asa as Fields, { icmp_type: m[2] });
      return fields;
    },
  },
  {
    // {TCP|UDP} access {permitted|denied by ACL} / request discarded from addr/port to if:addr/service
    ids: ['710002', '710003', '710005'],
    pattern: new RegExp(`^(TCP|UDP) (access permitted|access denied by ACL|request discarded) from ${IP}\\/(\\d+) to (.+?):${IP}\\/(\\S+)`),
    fields(m) {
      const permitted = m[2] === 'access permitted';
      const fields: Fields = {
        event: networkEvent(permitted ? 'management-access-permitted' : 'management-access-denied', ['connection', permitted ? 'allowed' : 'denied'], permitted ? 'success' : 'failure'),
        source: side(m[3], m[4]),
        destination: side(m[6], m[7]),
        network: { transport: transportOf(m[1]) },
        observer: observerInterfaces(m[5], undefined),
        cisco: { asa: { destination_interface: m[5], service: m[7] } },
      };
      if (m[2] === 'request discarded') (fields.event as Fields).reason = 'request discarded';
      return fields;
    },
  },
  {
    // protocol request discarded from addr to if:addr
    ids: ['710006'],
    pattern: new RegExp(`^(\\S+) request discarded from ${IP} to (.+?):${IP}`),
    fields: (m) => withReason(denial(m[1]!, m[2], undefined, m[4], undefined, m[3]), 'request discarded'),
  },
  {
    // No translation group found for protocol src if:addr/port [(user)] dst if:addr/port [(user)]
    ids: ['305005'],
    pattern: new RegExp(`^No translation group found for (\\S+) src (.+?):${IP}(?:\\/(\\d+))?${ID} dst (.+?):${IP}(?:\\/(\\d+))?${ID}`),
    fields: (m) => withReason(routedDenial(m[1]!, m[2], m[3], m[4], m[5], m[6], m[7]), 'no translation group found'),
  },
  {
    // {outbound static|identity|portmap|regular} translation creation failed for protocol src if:addr/port dst if:addr/port
    ids: ['305006'],
    pattern: new RegExp(`^(.+?) translation creation failed for (\\S+) src (.+?):${IP}(?:\\/(\\d+))?${ID} dst (.+?):${IP}(?:\\/(\\d+))?${ID}`),
    fields: (m) => withReason(routedDenial(m[2]!, m[3], m[4], m[5], m[6], m[7], m[8]), `${m[1]!} translation creation failed`),
  },
  {
    // Asymmetric NAT rules matched for forward and reverse flows; Connection protocol src if:addr/port dst if:addr/port denied due to NAT reverse path failure.
    ids: ['305013'],
    pattern: new RegExp(`^Asymmetric NAT rules matched for forward and reverse flows; Connection (\\S+) src (.+?):${IP}(?:\\/(\\d+))?${ID} dst (.+?):${IP}(?:\\/(\\d+))?${ID} denied due to NAT reverse path failure`),
    fields: (m) => withReason(routedDenial(m[1]!, m[2], m[3], m[4], m[5], m[6], m[7]), 'NAT reverse path failure'),
  },
  {
    // Received duplicate TCP SYN from if:addr/port to if:addr/port with different initial sequence number.
    ids: ['419002'],
    pattern: new RegExp(`^Received duplicate (TCP) SYN from ${SIDE} to ${SIDE} with different initial sequence number`),
    fields: (m) => withReason(routedDenial(m[1]!, m[2], m[3], m[4], m[5], m[6], m[7]), 'duplicate TCP SYN with a different initial sequence number'),
  },
  {
    // Invalid transport field for protocol=p, from addr/port to addr/port
    ids: ['500004'],
    pattern: new RegExp(`^Invalid transport field for protocol=(\\S+), from ${IP}\\/(\\d+) to ${IP}\\/(\\d+)`),
    fields: (m) => withReason(denial(m[1]!, m[2], m[3], m[4], m[5]), 'invalid transport field'),
  },
  {
    // Dropped UDP DNS {request|reply} from if:addr/port to if:addr/port; reason
    ids: ['410001'],
    pattern: new RegExp(`^Dropped UDP DNS (request|reply) from ${SIDE} to ${SIDE}; (.*)$`),
    fields(m) {
      const fields = withReason(routedDenial('udp', m[2], m[3], m[4], m[5], m[6], m[7]), m[8]!);
      (fields.network as Fields).protocol = 'dns';
      return fields;
    },
  },
  {
    // Shunned packet: addr ==> addr on interface if
    ids: ['401004'],
    pattern: new RegExp(`^Shunned packet: ${IP} ==> ${IP} on interface (\\S+)`),
    fields: (m) => withReason(denial('ip', m[1], undefined, m[2], undefined, m[3]), 'shunned'),
  },
  {
    // IPS:signature title from addr to addr on interface if   (400000-400051)
    ids: Array.from({ length: 52 }, (_, index) => String(400000 + index)),
    pattern: new RegExp(`^IPS:(\\d+) (.+?) from ${IP} to ${IP} on interface (\\S+)`),
    fields(m) {
      return {
        event: { kind: 'alert', category: ['intrusion_detection', 'network'], type: ['info'], action: 'ips-signature', reason: m[2] },
        source: side(m[3], undefined),
        destination: side(m[4], undefined),
        rule: { id: m[1], name: m[2] },
        observer: observerInterfaces(m[5], undefined),
        cisco: { asa: { source_interface: m[5] } },
      };
    },
  },
  {
    // [object] drop rate-n exceeded. Current burst rate is n per second, max configured rate is n; Current average rate is n per second, max configured rate is n; Cumulative total count is n
    ids: ['733100'],
    pattern: /^\[ ?(.+?) ?\] drop rate-(\d+) exceeded\. Current burst rate is (\d+) per second, max configured rate is (\d+); Current average rate is (\d+) per second, max configured rate is (\d+); Cumulative total count is (\d+)/,
    fields(m) {
      return {
        event: { kind: 'alert', category: ['intrusion_detection', 'network'], type: ['info'], action: 'threat-detected', reason: `${m[1]!} drop rate exceeded` },
        cisco: { asa: { threat_category: m[1], burst_rate: countOf(m[3]), average_rate: countOf(m[5]), total_count: countOf(m[7]) } },
      };
    },
  },
  {
    // {Host|Subnet} addr is {targeted|attacking}. Current burst rate is n per second, ...
    ids: ['733101'],
    pattern: new RegExp(`^(Host|Subnet) ${IP}(?:\\/\\d+)? is (targeted|attacking)\\. Current burst rate is (\\d+) per second`),
    fields(m) {
      const fields: Fields = { event: { kind: 'alert', category: ['intrusion_detection', 'network'], type: ['info'], action: 'threat-detected', reason: `${m[1]!} is ${m[3]!}` } };
      fields[m[3] === 'attacking' ? 'source' : 'destination'] = side(m[2], undefined);
      fields.cisco = { asa: { burst_rate: countOf(m[4]) } };
      return fields;
    },
  },
  {
    // Threat-detection adds host addr to shun list / removes host addr from shun list
    ids: ['733102', '733103'],
    pattern: new RegExp(`^Threat-detection (adds|removes) host ${IP} (?:to|from) shun list`),
    fields(m) {
      return {
        event: { kind: 'event', category: ['intrusion_detection', 'network'], type: ['change'], action: m[1] === 'adds' ? 'host-shunned' : 'host-unshunned' },
        source: side(m[2], undefined),
      };
    },
  },
  // Connections, NAT and web: GRE, FTP, URL, translations.
  {
    // Built {inbound|outbound} GRE connection id from if:addr (mapped) to if:addr/cid (mapped/cid) [(user)]
    ids: ['302017'],
    pattern: new RegExp(`^Built (inbound|outbound) (GRE) connection (\\d+) from (.+?):${IP} \\(${IP}\\)${ID} to (.+?):${IP}\\/(\\d+) \\(${IP}\\/(\\d+)\\)`),
    fields(m) {
      return {
        event: networkEvent('flow-creation', ['connection', 'start']),
        source: side(m[5], undefined, m[6]),
        destination: side(m[8], undefined, m[10]),
        network: { transport: 'gre', direction: m[1] },
        observer: observerInterfaces(m[4], m[7]),
        cisco: { asa: interfaces(m[4], m[7], { connection_id: m[3], call_id: m[9] }) },
      };
    },
  },
  {
    // Teardown GRE connection id from if:addr (mapped) to if:addr/cid (mapped/cid) duration h:mm:ss bytes n [(user)]
    ids: ['302018'],
    pattern: new RegExp(`^Teardown (GRE) connection (\\d+) from (.+?):${IP} \\(${IP}\\)${ID} to (.+?):${IP}\\/(\\d+) \\(${IP}\\/(\\d+)\\)${ID} duration (\\d+):(\\d\\d):(\\d\\d) bytes (\\d+)`),
    fields(m) {
      return {
        event: put(networkEvent('flow-expiration', ['connection', 'end']), 'duration', durationNanos(m[11]!, m[12]!, m[13]!)),
        source: side(m[4], undefined, m[5]),
        destination: side(m[7], undefined, m[9]),
        network: { transport: 'gre', bytes: countOf(m[14]) },
        observer: observerInterfaces(m[3], m[6]),
        cisco: { asa: interfaces(m[3], m[6], { connection_id: m[2], call_id: m[8] }) },
      };
    },
  },
  {
    // FTP connection from if:addr/port to if:addr/port, user name {Retrieved|Stored} file name
    ids: ['303002'],
    pattern: new RegExp(`^FTP connection from ${SIDE} to ${SIDE}, user (\\S+) (Retrieved|Stored) file (.*)$`),
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'file'], type: ['access'], action: m[8] === 'Stored' ? 'ftp-file-stored' : 'ftp-file-retrieved', outcome: 'success' },
        source: side(m[2], m[3]),
        destination: side(m[5], m[6]),
        network: { transport: 'tcp', protocol: 'ftp' },
        user: { name: m[7] },
        file: { path: m[9] },
        observer: observerInterfaces(m[1], m[4]),
        cisco: { asa: interfaces(m[1], m[4]) },
      };
    },
  },
  {
    // [user@]addr [(user)] Accessed {JAVA URL|URL} addr:url
    ids: ['304001'],
    pattern: new RegExp(`^(?:(\\S+)@)?${IP}(?: \\(([^)]*)\\))? Accessed (?:JAVA )?URL ${IP} ?:(.*)$`),
    fields(m) {
      const fields: Fields = {
        event: { kind: 'event', category: ['network', 'web'], type: ['access', 'allowed'], action: 'url-accessed', outcome: 'success' },
        source: side(m[2], undefined),
        destination: side(m[4], undefined),
        url: { original: m[5] },
      };
      const user = m[1] ?? m[3];
      if (user !== undefined) fields.user = { name: user };
      return fields;
    },
  },
  {
    // Access denied URL url SRC addr DEST addr: url
    ids: ['304002'],
    pattern: new RegExp(`^Access denied URL (\\S+) SRC ${IP} DEST ${IP}`),
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'web'], type: ['access', 'denied'], action: 'url-denied', outcome: 'failure' },
        source: side(m[2], undefined),
        destination: side(m[3], undefined),
        url: { original: m[1] },
      };
    },
  },
  {
    // Built {dynamic|static} translation from if[(acl)]:addr [(user)] to if:addr   /   Teardown ... duration h:mm:ss
    ids: ['305009', '305010'],
    pattern: new RegExp(`^(Built|Teardown) (dynamic|static) translation from (.+?)(?: \\([^)]*\\))?:${IP}${ID} to (.+?):${IP}(?: duration (\\d+):(\\d\\d):(\\d\\d))?`),
    fields(m) {
      const built = m[1] === 'Built';
      const event = networkEvent(built ? 'translation-creation' : 'translation-expiration', ['connection', built ? 'start' : 'end']);
      if (m[7] !== undefined) event.duration = durationNanos(m[7], m[8]!, m[9]!);
      return { event, source: side(m[4], undefined, m[6]), cisco: { asa: interfaces(m[3], m[5], { mapping_type: m[2] }) } };
    },
  },
  // Authentication, authorization and administration.
  {
    // Auth start for user name from addr/port to addr/port
    ids: ['109001'],
    pattern: new RegExp(`^Auth start for user '?(.+?)'? from ${IP}\\/ ?(\\d+) to ${IP}\\/ ?(\\d+)`),
    fields: (m) => cutThrough('authentication-started', undefined, m[1], m[2], m[3], m[4], m[5]),
  },
  {
    // {Authentication succeeded|Authentication failed|Authorization permitted|Authorization denied} for user name from addr/port to addr/port on interface if
    ids: ['109005', '109006', '109007', '109008'],
    pattern: new RegExp(`^(Authentication succeeded|Authentication failed|Authorization permitted|Authorization denied) for user '?(.+?)'? from ${IP}\\/ ?(\\d+) to ${IP}\\/ ?(\\d+) on interface (\\S+)`),
    fields(m) {
      const [what, verdict] = (m[1] ?? '').split(' ') as [string, string];
      const success = verdict === 'succeeded' || verdict === 'permitted';
      const fields = cutThrough(`${what.toLowerCase()}-${verdict}`, success ? 'success' : 'failure', m[2], m[3], m[4], m[5], m[6]);
      fields.observer = observerInterfaces(m[7], undefined);
      fields.cisco = { asa: { source_interface: m[7] } };
      return fields;
    },
  },
  {
    // AAA transaction status ACCEPT : user = name
    ids: ['113008'],
    pattern: /^AAA transaction status (ACCEPT|REJECT) : user = (.+)$/,
    fields: (m) => aaa(m[2], undefined, undefined, m[1] === 'ACCEPT' ? 'success' : 'failure'),
  },
  {
    // AAA retrieved {default|user specific} group policy (policy) for user = name
    ids: ['113009', '113011'],
    pattern: /^AAA retrieved (default|user specific) group policy \((.+?)\) for user = (.+)$/,
    fields(m) {
      return {
        event: { kind: 'event', category: ['authentication'], type: ['info'], action: 'aaa-group-policy-retrieved', outcome: 'success' },
        user: { name: m[3] },
        cisco: { asa: { group_policy: m[2] } },
      };
    },
  },
  {
    // AAA challenge received for user name from server addr.
    ids: ['113010'],
    pattern: /^AAA challenge received for user (.+?) from server ([0-9A-Fa-f.:]+?)\.?$/,
    fields(m) {
      const fields = aaa(m[1], m[2], undefined, 'success');
      fields.event = { kind: 'event', category: ['authentication'], type: ['info'], action: 'aaa-challenge-received' };
      return fields;
    },
  },
  {
    // AAA authentication server not accessible : server = addr : user = name
    ids: ['113014'],
    pattern: new RegExp(`^AAA authentication server not accessible : server = ${IP} : user = (.+)$`),
    fields(m) {
      const fields = aaa(m[2], m[1], undefined, 'failure');
      (fields.event as Fields).reason = 'authentication server not accessible';
      return fields;
    },
  },
  {
    // Attempted console login failed. User name did NOT have appropriate Admin Rights.
    ids: ['113021'],
    pattern: /^Attempted console login failed\. User (.+?) did NOT have appropriate Admin Rights/,
    fields: (m) => ({ event: { ...authEvent('console-login', 'failure', 'start'), reason: 'no admin rights' }, user: { name: m[1] } }),
  },
  {
    // User logged out: Uname: name
    ids: ['611103'],
    pattern: /^User logged out: Uname: (.+)$/,
    fields: (m) => ({ event: authEvent('user-logout', 'success', 'end'), user: { name: m[1] } }),
  },
  {
    // User priv level changed: Uname: name From: n To: n
    ids: ['502103'],
    pattern: /^User priv level changed: Uname: (\S+) From: (\d+) To: (\d+)/,
    fields(m) {
      return {
        event: { kind: 'event', category: ['iam'], type: ['user', 'change'], action: 'privilege-changed', outcome: 'success' },
        user: { name: m[1] },
        cisco: { asa: { privilege: { old: m[2], new: m[3] } } },
      };
    },
  },
  {
    // User 'name' executed cmd: command
    ids: ['111009'],
    pattern: /^User '(.+?)' executed cmd: (.*)$/,
    fields: (m) => ({ event: { kind: 'event', category: ['configuration'], type: ['info'], action: 'command-executed', outcome: 'success' }, user: { name: m[1] }, cisco: { asa: { command_line: m[2] } } }),
  },
  {
    // user-identity: {Add|Delete} IP-User mapping addr - domain\user {Succeeded|Failed} - reason
    ids: ['746012', '746013'],
    pattern: new RegExp(`^user-identity: (Add|Delete) IP-User mapping ${IP} - (?:(.+?)\\\\)?(\\S+) (Succeeded|Failed)(?: - (.*))?$`),
    fields(m) {
      const fields: Fields = {
        event: { kind: 'event', category: ['iam'], type: [m[1] === 'Add' ? 'creation' : 'deletion'], action: m[1] === 'Add' ? 'user-mapping-added' : 'user-mapping-deleted', outcome: m[5] === 'Succeeded' ? 'success' : 'failure' },
        source: side(m[2], undefined),
        user: put({ name: m[4] }, 'domain', m[3]),
      };
      put(fields.event as Fields, 'reason', m[6]);
      return fields;
    },
  },
  // Remote access VPN: AnyConnect (SVC), WebVPN, IKE and DAP.
  vpnLayout(['716002'], 'WebVPN session terminated: (.*?)\\.?', (m) => ({ event: vpnEvent('webvpn-session-terminated', 'end', 'success', m[4]) })),
  vpnLayout(['716038', '716039'], 'Authentication: (successful|rejected), Session Type: (.+?)\\.?', (m) => ({
    event: { ...authEvent('vpn-authentication', m[4] === 'successful' ? 'success' : 'failure', 'start') },
    cisco: { asa: { session_type: m[5] } },
  })),
  vpnLayout(['716058'], 'AnyConnect session lost connection\\. Waiting to resume\\.?', () => ({ event: vpnEvent('anyconnect-session-lost', 'info') })),
  vpnLayout(['716059'], `AnyConnect session resumed connection from IP <?${IP}>?\\.?`, (m) => ({ event: vpnEvent('anyconnect-session-resumed', 'start', 'success'), destination: side(m[4], undefined) })),
  vpnLayout(['113039'], 'AnyConnect parent session started\\.?', () => ({ event: vpnEvent('anyconnect-parent-session-started', 'start', 'success') })),
  vpnLayout(['722022'], '(TCP|UDP) (?:SVC )?connection established (?:with|without) compression', (m) => ({ event: vpnEvent('svc-connection-established', 'start', 'success'), network: { transport: transportOf(m[4]) } })),
  vpnLayout(['722023'], '(TCP|UDP) (?:SVC )?connection closed\\.?', (m) => ({ event: vpnEvent('svc-connection-closed', 'end'), network: { transport: transportOf(m[4]) } })),
  vpnLayout(['722028'], 'Stale SVC connection closed\\.?', () => ({ event: vpnEvent('svc-stale-connection-closed', 'end') })),
  vpnLayout(['722032'], 'New (TCP|UDP) SVC connection replacing old connection\\.?', (m) => ({ event: vpnEvent('svc-connection-replaced', 'start', 'success'), network: { transport: transportOf(m[4]) } })),
  vpnLayout(['722033'], 'First (TCP|UDP) SVC connection established for SVC session\\.?', (m) => ({ event: vpnEvent('svc-connection-established', 'start', 'success'), network: { transport: transportOf(m[4]) } })),
  vpnLayout(['722034'], 'New (TCP|UDP) SVC connection, no existing connection\\.?', (m) => ({ event: vpnEvent('svc-connection-established', 'start', 'success'), network: { transport: transportOf(m[4]) } })),
  vpnLayout(['722037'], 'SVC closing connection: (.*?)\\.?', (m) => ({ event: vpnEvent('svc-connection-closing', 'end', undefined, m[4]) })),
  vpnLayout(['722055'], 'Client Type: (.*)', (m) => ({ event: vpnEvent('vpn-client-type', 'info'), user_agent: { original: m[4] } })),
  {
    // Group = g, Username = u, IP = addr, Assigned private IP address addr to remote user
    ids: ['713228'],
    pattern: new RegExp(`^Group = (.+?), Username = (.+?), IP = ${IP}, Assigned private IP address ${IP} to remote user`),
    fields(m) {
      return { event: vpnEvent('vpn-address-assigned', 'start', 'success'), user: { name: m[2] }, source: side(m[3], undefined), cisco: { asa: { tunnel_group: m[1], assigned_ip: m[4] } } };
    },
  },
  {
    // Group = g, IP = addr, PHASE 2 COMPLETED (msgid=id)
    ids: ['713120'],
    pattern: new RegExp(`^Group = (.+?), (?:Username = (.+?), )?IP = ${IP}, PHASE 2 COMPLETED \\(msgid=(\\w+)\\)`),
    fields(m) {
      const fields: Fields = { event: vpnEvent('ike-phase2-completed', 'start', 'success'), source: side(m[3], undefined), cisco: { asa: { tunnel_group: m[1] } } };
      if (m[2] !== undefined) fields.user = { name: m[2] };
      return fields;
    },
  },
  {
    // DAP: User name, Addr addr, Connection type: The following DAP records were selected for this connection: records
    ids: ['734001'],
    pattern: new RegExp(`^DAP: User (.+?), Addr ${IP}, Connection (.+?): The following DAP records were selected for this connection: (.*)$`),
    fields(m) {
      return {
        event: { kind: 'event', category: ['network', 'session'], type: ['info'], action: 'dap-records-selected' },
        user: { name: m[1] },
        source: side(m[2], undefined),
        cisco: { asa: { session_type: m[3], dap_records: m[4] } },
      };
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

/** A deny between two interfaces (`src if:addr/port dst if:addr/port`), as 106023 without its access group. */
function routedDenial(protocol: string, sourceInterface?: string, sourceIp?: string, sourcePort?: string, destinationInterface?: string, destinationIp?: string, destinationPort?: string): Fields {
  return {
    event: networkEvent('firewall-rule', ['connection', 'denied'], 'failure'),
    source: side(sourceIp, sourcePort),
    destination: side(destinationIp, destinationPort),
    network: { transport: transportOf(protocol) },
    observer: observerInterfaces(sourceInterface, destinationInterface),
    cisco: { asa: interfaces(sourceInterface, destinationInterface) },
  };
}

/** Why the ASA dropped the packet, when the message says it rather than an access list. */
function withReason(fields: Fields, reason: string): Fields {
  (fields.event as Fields).reason = reason;
  return fields;
}

/** Cut-through proxy authentication and authorization (109xxx): the user, and the connection it was asked for. */
function cutThrough(action: string, outcome: 'success' | 'failure' | undefined, user?: string, sourceIp?: string, sourcePort?: string, destinationIp?: string, destinationPort?: string): Fields {
  const event: Fields = { kind: 'event', category: ['authentication'], type: ['start'], action };
  if (outcome !== undefined) event.outcome = outcome;
  return { event, user: { name: user }, source: side(sourceIp, sourcePort), destination: side(destinationIp, destinationPort) };
}

function vpnEvent(action: string, type: string, outcome?: 'success' | 'failure', reason?: string): Fields {
  return { kind: 'event', category: ['network', 'session'], type: [type], action, outcome, reason };
}

/**
 * The remote access VPN messages that start `Group <group> User <user> IP <addr>` (716xxx, 722xxx, 113039):
 * groups 1-3 are those, `tail` and its groups (from 4) the rest.
 */
function vpnLayout(ids: readonly string[], tail: string, fields: (match: Match) => Fields): MessageLayout {
  return {
    ids,
    pattern: new RegExp(`^Group <?(.*?)>? User <?(.*?)>? IP <?${IP}>? ${tail}$`),
    fields(m) {
      const found = fields(m);
      found.user = { name: m[2] };
      found.source = side(m[3], undefined);
      const cisco = (found.cisco ?? (found.cisco = { asa: {} })) as Fields;
      ((cisco.asa ?? (cisco.asa = {})) as Fields).tunnel_group = m[1];
      return found;
    },
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
      for (const key of ['source', 'destination', 'network', 'rule', 'user', 'url', 'file', 'user_agent'] as const) if (fields[key] !== undefined) common[key] = fields[key];
      return common;
    };
  },
};

export const ciscoAsaParser = defineSyslogBodyFormat(ciscoAsaBodyParser);
