/**
 * Packet lines the netfilter LOG target (iptables, ufw) and nftables `log`
 * write to the kernel log: `[UFW BLOCK] IN=eth0 OUT= MAC=... SRC=10.0.0.1 DST=10.0.0.2 LEN=60 ...`.
 * The words are read in order because the same key means different things
 * before and after PROTO (LEN is the IP length before, the UDP length after;
 * ID is the IP id before, the ICMP id after). The text before IN= is the log
 * prefix the rule set chose, which names the action ("[UFW BLOCK]" → ufw-block).
 */
import type { WritingBodyParser } from './body-format';
import { defineBodyFormat, mergeEcsFields } from './body-format';
import { isForbiddenKey } from './keys';
import { parseLogFilePrefix, prefixFields } from './log-file-prefix';

export const IPTABLES = 'iptables';

type Fields = Record<string, unknown>;

/**
 * Kernel key names and flag words packed 5 bits a letter (up to 8 upper-case
 * letters), so each word is recognised from the line without slicing it out;
 * distinct names pack to distinct numbers. -1 for anything else.
 */
function packWord(text: string, start: number, end: number): number {
  if (end - start > 8) return -1;
  let packed = 0;
  for (let index = start; index < end; index++) {
    const letter = text.charCodeAt(index) - 0x40;
    if (!(letter >= 1 && letter <= 26)) return -1;
    packed = packed * 32 + letter;
  }
  return packed;
}

const packed = (word: string): number => packWord(word, 0, word.length);
const K_IN = packed('IN');
const K_OUT = packed('OUT');
const K_MAC = packed('MAC');
const K_SRC = packed('SRC');
const K_DST = packed('DST');
const K_LEN = packed('LEN');
const K_TOS = packed('TOS');
const K_PREC = packed('PREC');
const K_TTL = packed('TTL');
const K_HOPLIMIT = packed('HOPLIMIT');
const K_ID = packed('ID');
const K_TC = packed('TC');
const K_FLOWLBL = packed('FLOWLBL');
const K_MARK = packed('MARK');
const K_PROTO = packed('PROTO');
const K_SPT = packed('SPT');
const K_DPT = packed('DPT');
const K_WINDOW = packed('WINDOW');
const K_RES = packed('RES');
const K_URGP = packed('URGP');
const K_CE = packed('CE');
const K_DF = packed('DF');
const K_MF = packed('MF');
const K_CWR = packed('CWR');
const K_ECE = packed('ECE');
const K_URG = packed('URG');
const K_ACK = packed('ACK');
const K_PSH = packed('PSH');
const K_RST = packed('RST');
const K_SYN = packed('SYN');
const K_FIN = packed('FIN');
const K_UID = packed('UID');
const K_GID = packed('GID');
const K_PHYSIN = packed('PHYSIN');
const K_PHYSOUT = packed('PHYSOUT');

// Flags and packet keys are told apart by comparisons rather than map probes: every word of every line asks.

/** The IP fragment flag word with this packed form, as its own text (so a flag costs no slice), or undefined. */
function fragmentFlag(key: number): string | undefined {
  return key === K_DF ? 'DF' : key === K_MF ? 'MF' : key === K_CE ? 'CE' : undefined;
}

/** The TCP flag word with this packed form, as its own text, or undefined. */
function tcpFlag(key: number): string | undefined {
  switch (key) {
    case K_SYN: return 'SYN';
    case K_ACK: return 'ACK';
    case K_FIN: return 'FIN';
    case K_RST: return 'RST';
    case K_PSH: return 'PSH';
    case K_URG: return 'URG';
    case K_ECE: return 'ECE';
    case K_CWR: return 'CWR';
    default: return undefined;
  }
}
/** PROTO= names in the case the kernel writes them, to the lower-case text the fields take. */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map(
  ['TCP', 'UDP', 'UDPLITE', 'ICMP', 'SCTP', 'GRE', 'ESP', 'AH', 'DCCP'].map((name) => [packed(name), name.toLowerCase()]),
);
/** Keys that describe the packet, not its transport header, though the kernel writes them after PROTO. */
function isPacketKey(key: number): boolean {
  return key === K_MARK || key === K_UID || key === K_GID || key === K_PHYSIN || key === K_PHYSOUT;
}
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

interface Verdict {
  readonly action: string;
  /** The event.type word after `connection`, if the action names one. */
  readonly type: 'denied' | 'allowed' | undefined;
}

/** A rule set writes a handful of distinct prefixes, so each is worked out once; the bound keeps hostile input from growing the cache. */
const verdicts = new Map<string, Verdict>();
const MAX_VERDICTS = 1024;

function verdictOf(prefix: string): Verdict {
  let verdict = verdicts.get(prefix);
  if (verdict === undefined) {
    const action = actionOf(prefix);
    const type = includesAny(action, DENY_WORDS) ? 'denied' : includesAny(action, ALLOW_WORDS) ? 'allowed' : undefined;
    verdict = { action, type };
    if (verdicts.size < MAX_VERDICTS) verdicts.set(prefix, verdict);
  }
  return verdict;
}

interface LogPrefix {
  /** As written, from its start to IN=. */
  readonly raw: string;
  /** Trimmed, as `iptables.prefix` shows it. */
  readonly text: string;
  readonly verdict: Verdict;
}

/**
 * The last prefixes read: a rule set logs under a handful of prefixes, so a
 * line's is mostly one of these. Few enough that looking through them costs
 * less than a map probe, which would hash the text first.
 */
const recentPrefixes: LogPrefix[] = [];
const RECENT_PREFIXES = 8;
let nextRecentPrefix = 0;

/** The rule's log prefix between `start` and `end`, with its verdict. */
function logPrefixAt(body: string, start: number, end: number): LogPrefix {
  const length = end - start;
  for (const recent of recentPrefixes) if (length === recent.raw.length && body.startsWith(recent.raw, start)) return recent;
  const raw = body.slice(start, end);
  const text = raw.trim();
  const prefix: LogPrefix = { raw, text, verdict: verdictOf(text) };
  recentPrefixes[nextRecentPrefix] = prefix;
  nextRecentPrefix = (nextRecentPrefix + 1) % RECENT_PREFIXES;
  return prefix;
}

/** `:` → `-`, `a`–`z` → upper case, anything else as it is: how ECS writes MAC addresses. */
function ecsMacCode(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code === 0x3a ? 0x2d : code >= 0x61 && code <= 0x7a ? code - 0x20 : code;
}

/** The 17 characters of one MAC address from `start`, in ECS form, built in one call rather than character by character. */
function ecsMacAt(text: string, start: number): string {
  return String.fromCharCode(
    ecsMacCode(text, start),
    ecsMacCode(text, start + 1),
    ecsMacCode(text, start + 2),
    ecsMacCode(text, start + 3),
    ecsMacCode(text, start + 4),
    ecsMacCode(text, start + 5),
    ecsMacCode(text, start + 6),
    ecsMacCode(text, start + 7),
    ecsMacCode(text, start + 8),
    ecsMacCode(text, start + 9),
    ecsMacCode(text, start + 10),
    ecsMacCode(text, start + 11),
    ecsMacCode(text, start + 12),
    ecsMacCode(text, start + 13),
    ecsMacCode(text, start + 14),
    ecsMacCode(text, start + 15),
    ecsMacCode(text, start + 16),
  );
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The value of the hex digits from `start` to `end`, or -1 when one is not a hex digit (or there are none). */
function hexAt(text: string, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = hexDigit(text.charCodeAt(index));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** The 48-bit number of the `xx:xx:xx:xx:xx:xx` MAC address at `start`, or -1 when the text is not in that form. */
function macNumberAt(text: string, start: number): number {
  let value = 0;
  for (let octet = 0; octet < 6; octet++) {
    const at = start + octet * 3;
    const high = hexDigit(text.charCodeAt(at));
    const low = hexDigit(text.charCodeAt(at + 1));
    if (high < 0 || low < 0 || (octet < 5 && text.charCodeAt(at + 2) !== 0x3a)) return -1;
    value = value * 256 + high * 16 + low;
  }
  return value;
}

/**
 * ECS texts of the MAC addresses seen, by number: a gateway logs a few (its
 * own, its upstream's, its neighbours'), and reading the number is cheaper
 * than building the text. Cleared when full, so that odd input cannot grow it.
 */
const ecsMacs = new Map<number, string>();
const MAX_MACS = 4096;

/** ecsMacAt, remembered for addresses in the kernel's form (whose text then follows from their number). */
function ecsMacTextAt(text: string, start: number): string {
  const number = macNumberAt(text, start);
  if (number < 0) return ecsMacAt(text, start);
  let ecs = ecsMacs.get(number);
  if (ecs === undefined) {
    ecs = ecsMacAt(text, start);
    if (ecsMacs.size >= MAX_MACS) ecsMacs.clear();
    ecsMacs.set(number, ecs);
  }
  return ecs;
}

/** The EtherType in the last five characters (`08:00`) of a MAC= value from `start`, or undefined. */
function etherTypeAt(text: string, start: number): number | undefined {
  const high = hexAt(text, start, start + 2);
  const low = text.charCodeAt(start + 2) === 0x3a ? hexAt(text, start + 3, start + 5) : -1;
  if (high >= 0 && low >= 0) return high * 256 + low;
  // parseInt also takes a sign or trailing junk; kept for such values.
  const etherType = Number.parseInt(text.slice(start, start + 5).replace(':', ''), 16);
  return Number.isFinite(etherType) ? etherType : undefined;
}

/** `MAC=00:15:5d:01:02:03:00:15:5d:04:05:06:08:00` (value from `start` to `end`) → destination MAC, source MAC, EtherType. */
function splitMac(source: Fields, destination: Fields, iptables: Fields, body: string, start: number, end: number): void {
  if (end - start !== 41) {
    iptables.mac = body.slice(start, end);
    return;
  }
  destination.mac = ecsMacTextAt(body, start);
  source.mac = ecsMacTextAt(body, start + 18);
  const etherType = etherTypeAt(body, start + 36);
  if (etherType !== undefined) iptables.ether_type = etherType;
}

/** Non-negative integer of 1–15 digits between `start` and `end`, or -1 (parseCount without the slice). */
function countAt(text: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function numberOrText(text: string, start: number, end: number): number | string {
  const count = countAt(text, start, end);
  return count >= 0 ? count : text.slice(start, end);
}

function hexOrText(text: string, start: number, end: number): number | string {
  const length = end - start;
  if (length > 2 && length <= 10 && text.charCodeAt(start) === 0x30 && text.charCodeAt(start + 1) === 0x78) {
    const fast = hexAt(text, start + 2, end);
    if (fast >= 0) return fast;
    // parseInt also takes a sign, a second 0x or trailing junk; kept for such values.
    const number = Number.parseInt(text.slice(start + 2, end), 16);
    if (Number.isFinite(number)) return number;
  }
  return text.slice(start, end);
}

/** What a packet line gives, kept apart until the line is known to be one, so that a target is written only then. */
interface Packet {
  readonly source: Fields;
  readonly destination: Fields;
  readonly network: Fields;
  readonly observer: Fields | undefined;
  readonly iptables: Fields;
  readonly prefix: LogPrefix;
}

/** The packet fields from `start` (at IN=) to the end; undefined when there is no SRC= and DST=. */
function parsePacket(body: string, start: number, prefix: LogPrefix): Packet | undefined {
  const source: Fields = {};
  const destination: Fields = {};
  const network: Fields = {};
  const iptables: Fields = {};
  let observer: Fields | undefined;
  let fragmentFlags: string[] | undefined;
  let tcpFlags: string[] | undefined;
  const transport: Fields = {};
  let hasTransport = false;
  let protocol: string | undefined;
  let sourceIp: string | undefined;
  let hasDestination = false;
  let index = start;
  const length = body.length;
  while (index < length) {
    if (body.charCodeAt(index) === 0x5b) {
      // The quoted original packet inside an ICMP error: skipped, so it cannot overwrite the outer addresses.
      const close = body.indexOf(']', index);
      index = close < 0 ? length : close + 1;
      continue;
    }
    // One pass over the word packs its name (as packWord does) up to "=", a space or the end; no slice, no search.
    const wordStart = index;
    let key = 0;
    let code = 0;
    while (index < length) {
      code = body.charCodeAt(index);
      if (code === 0x20 || code === 0x3d) break;
      if (key >= 0) {
        const letter = code - 0x40;
        key = letter >= 1 && letter <= 26 && index - wordStart < 8 ? key * 32 + letter : -1;
      }
      index++;
    }
    if (code !== 0x3d) {
      const end = index;
      index = end + 1;
      const fragment = protocol === undefined ? fragmentFlag(key) : undefined;
      if (fragment !== undefined) {
        (fragmentFlags ??= []).push(fragment);
        continue;
      }
      const tcp = tcpFlag(key);
      if (tcp !== undefined) (tcpFlags ??= []).push(tcp);
      continue;
    }
    const equals = index;
    const valueStart = equals + 1;
    let end = body.indexOf(' ', valueStart);
    if (end < 0) end = length;
    index = end + 1;
    if (protocol !== undefined && !isPacketKey(key)) {
      hasTransport = addTransportWord(body, key, wordStart, valueStart, end, source, destination, transport) || hasTransport;
      continue;
    }
    switch (key) {
      case K_IN:
        if (end > valueStart) observer = { ingress: { interface: { name: body.slice(valueStart, end) } } };
        break;
      case K_OUT:
        if (end > valueStart) {
          observer ??= {};
          observer.egress = { interface: { name: body.slice(valueStart, end) } };
        }
        break;
      case K_MAC:
        if (end > valueStart) splitMac(source, destination, iptables, body, valueStart, end);
        break;
      case K_SRC: {
        const value = body.slice(valueStart, end);
        source.ip = value;
        source.address = value;
        sourceIp = value;
        break;
      }
      case K_DST: {
        const value = body.slice(valueStart, end);
        destination.ip = value;
        destination.address = value;
        hasDestination = true;
        break;
      }
      case K_LEN: {
        const count = countAt(body, valueStart, end);
        if (count >= 0) {
          network.bytes = count;
          iptables.length = count;
        }
        break;
      }
      case K_TOS:
        iptables.tos = hexOrText(body, valueStart, end);
        break;
      case K_PREC:
        iptables.precedence_bits = hexOrText(body, valueStart, end);
        break;
      case K_TTL:
        iptables.ttl = numberOrText(body, valueStart, end);
        break;
      case K_HOPLIMIT:
        iptables.hop_limit = numberOrText(body, valueStart, end);
        break;
      case K_ID:
        iptables.id = numberOrText(body, valueStart, end);
        break;
      case K_TC:
        iptables.traffic_class = numberOrText(body, valueStart, end);
        break;
      case K_FLOWLBL:
        iptables.flow_label = numberOrText(body, valueStart, end);
        break;
      case K_MARK:
        iptables.mark = hexOrText(body, valueStart, end);
        break;
      case K_PROTO: {
        const name = PROTOCOL_NAMES.get(packWord(body, valueStart, end));
        if (name !== undefined) {
          protocol = name;
          network.transport = name;
          break;
        }
        const value = body.slice(valueStart, end);
        protocol = value.toLowerCase();
        if (countAt(body, valueStart, end) < 0) network.transport = protocol;
        else network.iana_number = value;
        break;
      }
      default: {
        const name = body.slice(wordStart, equals).toLowerCase();
        if (name.length > 0 && !isForbiddenKey(name)) iptables[name] = body.slice(valueStart, end);
      }
    }
  }
  if (sourceIp === undefined || !hasDestination) return undefined;
  network.type = sourceIp.includes(':') ? 'ipv6' : 'ipv4';
  if (fragmentFlags !== undefined) iptables.fragment_flags = fragmentFlags;
  if (tcpFlags !== undefined) {
    transport.flags = tcpFlags;
    hasTransport = true;
  }
  if (protocol !== undefined && hasTransport) {
    // Stored by name for the two common protocols: a store by a variable key that adds a property is slow.
    if (protocol === 'tcp') iptables.tcp = transport;
    else if (protocol === 'udp') iptables.udp = transport;
    else if (!isForbiddenKey(protocol)) iptables[protocol] = transport;
  }
  if (prefix.verdict.action.length > 0) iptables.prefix = prefix.text;
  return { source, destination, network, observer, iptables, prefix };
}

/**
 * Writes the packet into `target` in the order the fields have always come
 * in, each key stored by name (the fast path) unless the target already holds
 * it, where it merges as mergeEcsFields does.
 */
function writePacket(target: Fields, packet: Packet): void {
  const { source, destination, network, observer, iptables } = packet;
  if (target.source === undefined) target.source = source;
  else mergeEcsFields(target, { source });
  if (target.destination === undefined) target.destination = destination;
  else mergeEcsFields(target, { destination });
  if (target.network === undefined) target.network = network;
  else mergeEcsFields(target, { network });
  if (observer !== undefined) {
    if (target.observer === undefined) target.observer = observer;
    else mergeEcsFields(target, { observer });
  }
  const verdict = packet.prefix.verdict;
  const type = verdict.type === undefined ? ['connection'] : ['connection', verdict.type];
  const event = target.event;
  if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
    const outer = event as Fields;
    outer.kind = 'event';
    outer.category = ['network'];
    outer.type = type;
    if (verdict.action.length > 0) outer.action = verdict.action;
  } else {
    target.event = verdict.action.length > 0 ? { kind: 'event', category: ['network'], type, action: verdict.action } : { kind: 'event', category: ['network'], type };
  }
  if (target.iptables === undefined) target.iptables = iptables;
  else mergeEcsFields(target, { iptables });
}

/** Reads one transport header word; true when it added a `transport` field. */
function addTransportWord(
  body: string,
  key: number,
  keyStart: number,
  valueStart: number,
  end: number,
  source: Fields,
  destination: Fields,
  transport: Fields,
): boolean {
  switch (key) {
    case K_SPT: {
      const port = countAt(body, valueStart, end);
      if (port >= 0) source.port = port;
      return false;
    }
    case K_DPT: {
      const port = countAt(body, valueStart, end);
      if (port >= 0) destination.port = port;
      return false;
    }
    case K_WINDOW:
      transport.window = numberOrText(body, valueStart, end);
      return true;
    case K_RES:
      transport.reserved_bits = hexOrText(body, valueStart, end);
      return true;
    case K_URGP:
      transport.urgent_pointer = numberOrText(body, valueStart, end);
      return true;
    case K_LEN:
      transport.length = numberOrText(body, valueStart, end);
      return true;
    default: {
      const name = body.slice(keyStart, valueStart - 1).toLowerCase();
      if (name.length === 0 || isForbiddenKey(name)) return false;
      transport[name] = numberOrText(body, valueStart, end);
      return true;
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
function parseKernelLine(body: string, from: number): Packet | undefined {
  const start = packetStart(body, from);
  if (start < 0) return undefined;
  let prefixStart = from;
  if (body.charCodeAt(prefixStart) === 0x5b) {
    const close = body.indexOf('] ', prefixStart);
    if (close > prefixStart + 1 && close < start && isUptime(body, prefixStart + 1, close)) prefixStart = close + 2;
  }
  return parsePacket(body, start, logPrefixAt(body, prefixStart, start));
}

export const iptablesBodyParser: WritingBodyParser = {
  dataset: IPTABLES,
  description:
    'iptables/ufw LOG and nftables log packet lines ("[UFW BLOCK] IN=eth0 OUT= SRC=... DST=... PROTO=TCP SPT=... DPT=..."), as a kernel syslog body or as whole kern.log lines.',
  compileWriter(_options, context) {
    return (body, target) => {
      const prefix = parseLogFilePrefix(body, context);
      const packet = parseKernelLine(body, prefix === undefined ? 0 : prefix.bodyStart);
      if (packet === undefined) return undefined;
      if (prefix !== undefined) mergeEcsFields(target, prefixFields(prefix));
      writePacket(target, packet);
      if (prefix !== undefined) target.message = body.slice(prefix.bodyStart);
      return true;
    };
  },
};

export const iptablesParser = defineBodyFormat(iptablesBodyParser);
