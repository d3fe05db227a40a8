/**
 * Packet lines the netfilter LOG target (iptables, ufw) and nftables `log`
 * write to the kernel log: `[UFW BLOCK] IN=eth0 OUT= MAC=... SRC=10.0.0.1 DST=10.0.0.2 LEN=60 ...`.
 * The words are read in order because the same key means different things
 * before and after PROTO (LEN is the IP length before, the UDP length after;
 * ID is the IP id before, the ICMP id after). The text before IN= is the log
 * prefix the rule set chose, which names the action ("[UFW BLOCK]" → ufw-block).
 */
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat, mergeEcsFields } from './body-format';
import { parseCount } from './field-path';
import { isForbiddenKey } from './keys';
import { parseLogFilePrefix, prefixFields } from './log-file-prefix';

export const IPTABLES = 'iptables';

type Fields = Record<string, unknown>;

const FRAGMENT_FLAGS: ReadonlySet<string> = new Set(['CE', 'DF', 'MF']);
const TCP_FLAGS: ReadonlySet<string> = new Set(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN']);
/** Keys that describe the packet, not its transport header, though the kernel writes them after PROTO. */
const PACKET_KEYS: ReadonlySet<string> = new Set(['MARK', 'UID', 'GID', 'PHYSIN', 'PHYSOUT']);
const DENY_WORDS = ['block', 'drop', 'deny', 'reject', 'denied'];
const ALLOW_WORDS = ['allow', 'accept', 'pass'];

/** Index of the IN= at or after `from` that starts the packet fields (not the one inside PHYSIN=), or -1. */
function packetStart(body: string, from: number): number {
  let index = body.indexOf('IN=', from);
  while (index > from) {
    const before = body.charCodeAt(index - 1);
    if (before === 0x20 || before === 0x5d || before === 0x3a) return index;
    index = body.indexOf('IN=', index + 3);
  }
  return index;
}

function includesAny(text: string, words: readonly string[]): boolean {
  for (const word of words) if (text.includes(word)) return true;
  return false;
}

/** `[UFW BLOCK]` → `ufw-block`; `DROP:` → `drop`. */
function actionOf(prefix: string): string {
  let action = '';
  let pendingDash = false;
  for (const char of prefix.toLowerCase()) {
    const code = char.charCodeAt(0);
    const word = (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code > 0x7f;
    if (word) {
      if (pendingDash && action.length > 0) action += '-';
      action += char;
      pendingDash = false;
    } else {
      pendingDash = true;
    }
  }
  return action;
}

/** ECS writes MAC addresses upper-case with hyphens. */
function ecsMac(colonSeparated: string): string {
  let mac = '';
  for (let index = 0; index < colonSeparated.length; index++) {
    const code = colonSeparated.charCodeAt(index);
    mac += code === 0x3a ? '-' : code >= 0x61 && code <= 0x7a ? String.fromCharCode(code - 0x20) : colonSeparated[index];
  }
  return mac;
}

/** `00:15:5d:01:02:03:00:15:5d:04:05:06:08:00` → destination MAC, source MAC, EtherType. */
function splitMac(fields: Fields, iptables: Fields, mac: string): void {
  if (mac.length !== 41) {
    iptables.mac = mac;
    return;
  }
  (fields.destination as Fields).mac = ecsMac(mac.slice(0, 17));
  (fields.source as Fields).mac = ecsMac(mac.slice(18, 35));
  const etherType = Number.parseInt(mac.slice(36).replace(':', ''), 16);
  if (Number.isFinite(etherType)) iptables.ether_type = etherType;
}

function numberOrText(value: string): number | string {
  return parseCount(value) ?? value;
}

function hexOrText(value: string): number | string {
  if (value.startsWith('0x') && value.length > 2 && value.length <= 10) {
    const number = Number.parseInt(value.slice(2), 16);
    if (Number.isFinite(number)) return number;
  }
  return value;
}

/** The packet fields from `start` (at IN=) to the end; undefined when there is no SRC= and DST=. */
function parsePacket(body: string, start: number, prefix: string): EcsFields | undefined {
  const source: Fields = {};
  const destination: Fields = {};
  const network: Fields = {};
  const iptables: Fields = {};
  const fields: Fields = { source, destination, network };
  const fragmentFlags: string[] = [];
  const tcpFlags: string[] = [];
  const transport: Fields = {};
  let protocol: string | undefined;
  let index = start;
  while (index < body.length) {
    let end = body.indexOf(' ', index);
    if (end < 0) end = body.length;
    if (body.charCodeAt(index) === 0x5b) {
      // The quoted original packet inside an ICMP error: skipped, so it cannot overwrite the outer addresses.
      const close = body.indexOf(']', index);
      index = close < 0 ? body.length : close + 1;
      continue;
    }
    const word = body.slice(index, end);
    index = end + 1;
    const equals = word.indexOf('=');
    if (equals < 0) {
      if (protocol === undefined && FRAGMENT_FLAGS.has(word)) fragmentFlags.push(word);
      else if (TCP_FLAGS.has(word)) tcpFlags.push(word);
      continue;
    }
    const key = word.slice(0, equals);
    const value = word.slice(equals + 1);
    if (protocol !== undefined && !PACKET_KEYS.has(key)) {
      addTransportWord(key, value, source, destination, transport);
      continue;
    }
    switch (key) {
      case 'IN':
        if (value.length > 0) fields.observer = { ingress: { interface: { name: value } } };
        break;
      case 'OUT':
        if (value.length > 0) {
          const observer = (fields.observer ?? (fields.observer = {})) as Fields;
          observer.egress = { interface: { name: value } };
        }
        break;
      case 'MAC':
        if (value.length > 0) splitMac(fields, iptables, value);
        break;
      case 'SRC':
        source.ip = value;
        source.address = value;
        break;
      case 'DST':
        destination.ip = value;
        destination.address = value;
        break;
      case 'LEN': {
        const length = parseCount(value);
        if (length !== undefined) {
          network.bytes = length;
          iptables.length = length;
        }
        break;
      }
      case 'TOS':
        iptables.tos = hexOrText(value);
        break;
      case 'PREC':
        iptables.precedence_bits = hexOrText(value);
        break;
      case 'TTL':
        iptables.ttl = numberOrText(value);
        break;
      case 'HOPLIMIT':
        iptables.hop_limit = numberOrText(value);
        break;
      case 'ID':
        iptables.id = numberOrText(value);
        break;
      case 'TC':
        iptables.traffic_class = numberOrText(value);
        break;
      case 'FLOWLBL':
        iptables.flow_label = numberOrText(value);
        break;
      case 'MARK':
        iptables.mark = hexOrText(value);
        break;
      case 'PROTO':
        protocol = value.toLowerCase();
        if (parseCount(value) === undefined) network.transport = protocol;
        else network.iana_number = value;
        break;
      default: {
        const name = key.toLowerCase();
        if (name.length > 0 && !isForbiddenKey(name)) iptables[name] = value;
      }
    }
  }
  if (source.ip === undefined || destination.ip === undefined) return undefined;
  network.type = (source.ip as string).includes(':') ? 'ipv6' : 'ipv4';
  if (fragmentFlags.length > 0) iptables.fragment_flags = fragmentFlags;
  if (tcpFlags.length > 0) transport.flags = tcpFlags;
  if (protocol !== undefined && Object.keys(transport).length > 0 && !isForbiddenKey(protocol)) iptables[protocol] = transport;

  const action = actionOf(prefix);
  const types = ['connection'];
  if (includesAny(action, DENY_WORDS)) types.push('denied');
  else if (includesAny(action, ALLOW_WORDS)) types.push('allowed');
  const event: Fields = { kind: 'event', category: ['network'], type: types };
  if (action.length > 0) {
    event.action = action;
    iptables.prefix = prefix;
  }
  fields.event = event;
  fields.iptables = iptables;
  return fields;
}

function addTransportWord(key: string, value: string, source: Fields, destination: Fields, transport: Fields): void {
  switch (key) {
    case 'SPT': {
      const port = parseCount(value);
      if (port !== undefined) source.port = port;
      return;
    }
    case 'DPT': {
      const port = parseCount(value);
      if (port !== undefined) destination.port = port;
      return;
    }
    case 'WINDOW':
      transport.window = numberOrText(value);
      return;
    case 'RES':
      transport.reserved_bits = hexOrText(value);
      return;
    case 'URGP':
      transport.urgent_pointer = numberOrText(value);
      return;
    case 'LEN':
      transport.length = numberOrText(value);
      return;
    default: {
      const name = key.toLowerCase();
      if (name.length > 0 && !isForbiddenKey(name)) transport[name] = numberOrText(value);
    }
  }
}

/** `   12.345678` inside the brackets of the kernel's uptime stamp. */
function isUptime(body: string, start: number, end: number): boolean {
  let digits = 0;
  for (let index = start; index < end; index++) {
    const code = body.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) digits++;
    else if (code !== 0x2e && code !== 0x20) return false;
  }
  return digits > 0;
}

/** A kernel log message: an optional `[12345.678901] ` uptime stamp, the rule's log prefix, then the packet from IN=. */
function parseKernelLine(body: string, from: number): EcsFields | undefined {
  const start = packetStart(body, from);
  if (start < 0) return undefined;
  let prefixStart = from;
  if (body.charCodeAt(prefixStart) === 0x5b) {
    const close = body.indexOf('] ', prefixStart);
    if (close > prefixStart + 1 && close < start && isUptime(body, prefixStart + 1, close)) prefixStart = close + 2;
  }
  return parsePacket(body, start, body.slice(prefixStart, start).trim());
}

export const iptablesBodyParser: BodyParser = {
  dataset: IPTABLES,
  description:
    'iptables/ufw LOG and nftables log packet lines ("[UFW BLOCK] IN=eth0 OUT= SRC=... DST=... PROTO=TCP SPT=... DPT=..."), as a kernel syslog body or as whole kern.log lines.',
  compile(_options, context) {
    return (body) => {
      const prefix = parseLogFilePrefix(body, context);
      if (prefix === undefined) return parseKernelLine(body, 0);
      const fields = parseKernelLine(body, prefix.bodyStart);
      if (fields === undefined) return undefined;
      const result = prefixFields(prefix);
      mergeEcsFields(result, fields);
      result.message = body.slice(prefix.bodyStart);
      return result;
    };
  },
};

export const iptablesParser = defineBodyFormat(iptablesBodyParser);
