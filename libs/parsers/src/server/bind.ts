/**
 * ISC BIND 9 (`named`) logs, as the BIND 9 Administrator Reference Manual
 * describes its logging categories: the query log (category `queries`),
 *
 *   client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)
 *
 * with or without the client object address (before 9.11) and with or
 * without the `queries: info: ` category and severity prefix
 * (`print-category`/`print-severity`), and the security, xfer and general
 * messages of a name server: denied queries and updates, zone transfers,
 * zone loads, control commands, start-up.
 *
 * Mapped as Elastic maps BIND query lines (its infoblox_nios integration):
 * `dns.question.{name,type,class}`, `dns.header_flags`, `client.{ip,port}`
 * and `source.*` for the client, `server.ip` for the address it asked,
 * `network.{protocol: dns, transport}`, category `network`, type `protocol`.
 */
import type { FieldsBodyParser } from '../body-format';
import { assignFields, endpoint, mismatch, type Fields } from '../network/network-fields';
import { defineSyslogBodyFormat } from '../network/syslog-body-format';
import { parseIsoTimestamp } from '../time';

export const BIND = 'bind';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const CATEGORY_PREFIX = /^([a-z-]+): (critical|error|warning|notice|info|debug(?: \d+)?|dynamic): /;
const CLIENT = /^client (?:@0x[0-9a-f]+ )?([0-9A-Fa-f:.]+)#(\d{1,5})(?: \(([^)]*)\))?: (?:view [^:]+: )?(.*)$/;
const QUERY = /^query: (\S+) (\S+) (\S+) ([-+])([A-Z]*(?:\(\d+\))?[A-Z]*) \(([0-9A-Fa-f:.]+)\)$/;

/** `+E(0)DK`: `+` recursion desired; T TCP, D DO (DNSSEC OK), C CD (checking disabled), S signed, E(n) EDNS version, K/V cookies. */
function queryFlags(recursion: string, flags: string): { header: string[]; tcp: boolean; edns?: number } {
  const header: string[] = [];
  if (recursion === '+') header.push('RD');
  if (flags.includes('C')) header.push('CD');
  if (flags.includes('D')) header.push('DO');
  const edns = /E\((\d+)\)/.exec(flags);
  const result: { header: string[]; tcp: boolean; edns?: number } = { header, tcp: flags.replace(/E\(\d+\)/, '').includes('T') };
  if (edns !== null) result.edns = Number(edns[1]);
  return result;
}

function clientMessage(ip: string, port: string, text: string): Fields | ReturnType<typeof mismatch> {
  const client = endpoint(ip, port) ?? {};
  const fields: Fields = { client, source: assignFields({}, client), network: { protocol: 'dns' } };
  if (text.startsWith('query: ')) {
    const query = QUERY.exec(text);
    if (query === null) {
      return mismatch(BIND, 'The BIND query line is not "query: <name> <class> <type> <+|-><flags> (<server address>)"; check the named version and that the line was not cut.');
    }
    const [, name, klass, type, recursion, flagText, server] = query as unknown as [string, string, string, string, string, string, string];
    const flags = queryFlags(recursion, flagText);
    const dns: Fields = { type: 'query', question: { name, class: klass, type } };
    if (flags.header.length > 0) dns.header_flags = flags.header;
    fields.dns = dns;
    (fields.network as Fields).transport = flags.tcp ? 'tcp' : 'udp';
    fields.server = { ip: server };
    fields.destination = { ip: server };
    fields.event = { kind: 'event', category: ['network'], type: ['protocol'], action: 'dns_query', outcome: 'success' };
    if (flags.edns !== undefined) fields.bind = { edns_version: flags.edns };
    return fields;
  }
  // "query (cache) 'example.com/A/IN' denied", "update 'example.com/IN' denied", "zone transfer 'example.com/AXFR/IN' denied"
  const denied = /^(query(?: \(cache\))?|update|zone transfer|notify|query-on) '([^'/]+)\/([^'/]+)(?:\/([^']+))?' denied/.exec(text);
  if (denied !== null) {
    const [, what, name, second, third] = denied as unknown as [string, string, string, string, string | undefined];
    const question: Fields = { name };
    if (third !== undefined) {
      question.type = second;
      question.class = third;
    } else {
      question.class = second;
    }
    fields.dns = { question };
    const action = `${what.split(' ', 1).join('').replace('query-on', 'query')}${what.startsWith('zone') ? '_transfer' : ''}_denied`;
    fields.event = { kind: 'event', category: ['network'], type: ['protocol', 'denied'], action, outcome: 'failure' };
    return fields;
  }
  const transfer = /^transfer of '([^'/]+)\/([^']+)': (AXFR|IXFR)(?:-style IXFR)? (started|ended)/.exec(text);
  if (transfer !== null) {
    fields.dns = { question: { name: transfer[1], class: transfer[2], type: transfer[3] } };
    fields.event = { kind: 'event', category: ['network'], type: ['protocol', transfer[4] === 'started' ? 'start' : 'end'], action: `zone_transfer_${transfer[4]}`, outcome: 'success' };
    return fields;
  }
  const update = /^updating zone '([^'/]+)\/([^']+)': (.*)$/.exec(text);
  if (update !== null) {
    fields.dns = { question: { name: update[1], class: update[2] } };
    fields.event = { kind: 'event', category: ['network', 'configuration'], type: ['change'], action: 'zone_update', reason: update[3] };
    return fields;
  }
  fields.event = { kind: 'event', category: ['network'], type: ['protocol'], action: 'client_message', reason: text };
  return fields;
}

function serverMessage(text: string): Fields | undefined {
  const zone = /^zone ([^/\s]+)\/([A-Z]+)(?:\/\S+)?: (loaded serial (\d+)|transferred serial (\d+)|sending notifies \(serial (\d+)\)|Transfer started\.|(.*))/.exec(text);
  if (zone !== null) {
    const [, name, klass, what, loaded, transferred, notified] = zone;
    const serial = loaded ?? transferred ?? notified;
    const action = loaded !== undefined ? 'zone_loaded' : transferred !== undefined ? 'zone_transferred' : notified !== undefined ? 'zone_notify' : what === 'Transfer started.' ? 'zone_transfer_started' : 'zone_message';
    const fields: Fields = {
      event: { kind: 'event', category: ['network', 'configuration'], type: ['info'], action },
      dns: { question: { name, class: klass } },
    };
    if (serial !== undefined) fields.bind = { zone: { serial: Number(serial) } };
    else if (action === 'zone_message') (fields.event as Fields).reason = what;
    return fields;
  }
  const transfer = /^transfer of '([^'/]+)\/([^']+)' from ([0-9A-Fa-f:.]+)#(\d{1,5}): (.*)$/.exec(text);
  if (transfer !== null) {
    const failed = /failed|refused|error/i.test(transfer[5] ?? '');
    return {
      event: { kind: 'event', category: ['network'], type: ['protocol'], action: 'zone_transfer_in', outcome: failed ? 'failure' : 'success', reason: transfer[5] },
      dns: { question: { name: transfer[1], class: transfer[2] } },
      server: endpoint(transfer[3], transfer[4]),
      network: { protocol: 'dns' },
    };
  }
  const control = /^received control channel command '([^']*)'/.exec(text);
  if (control !== null) return { event: { kind: 'event', category: ['configuration'], type: ['change'], action: 'control_command' }, bind: { command: control[1] } };
  const starting = /^starting BIND (\S+)/.exec(text);
  if (starting !== null) return { event: { kind: 'event', category: ['process'], type: ['start'], action: 'started' }, service: { version: starting[1] } };
  if (text === 'running' || text === 'reloading configuration succeeded' || text === 'exiting' || text === 'shutting down') {
    return { event: { kind: 'event', category: ['process'], type: [text === 'running' ? 'start' : text.startsWith('reload') ? 'change' : 'end'], action: text.replace(/ /g, '_') } };
  }
  const lame = /^(lame server|network unreachable|REFUSED unexpected RCODE|connection refused|timed out) resolving '([^']+)'.*?: ([0-9A-Fa-f:.]+)#(\d{1,5})$/.exec(text);
  if (lame !== null) {
    return {
      event: { kind: 'event', category: ['network'], type: ['error'], action: 'resolver_error', outcome: 'failure', reason: lame[1] },
      dns: { question: { name: (lame[2] ?? '').split('/', 1).join('') } },
      destination: endpoint(lame[3], lame[4]),
      network: { protocol: 'dns' },
    };
  }
  return undefined;
}

export const bindBodyParser: FieldsBodyParser = {
  dataset: BIND,
  description: 'ISC BIND 9 named logs: the query log (client, question, flags, server address), denied queries, updates and zone transfers, zone loads and transfers, control commands, resolver errors, start-up.',
  compile(_options, context) {
    return (body) => {
      let text = body;
      let level: string | undefined;
      let category: string | undefined;
      const prefix = CATEGORY_PREFIX.exec(text);
      if (prefix !== null) {
        category = prefix[1];
        level = prefix[2];
        text = text.slice(prefix[0].length);
      }
      // The date and time named writes into its own log files ("04-Dec-2026 10:00:00.123 "), in the configured zone.
      const fileTime = /^(\d{2}-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d(?:\.\d{3})?) /.exec(text);
      let time: number | undefined;
      if (fileTime !== null) {
        const [day, month, rest] = (fileTime[1] ?? '').split('-') as [string, string, string];
        const monthNumber = MONTHS.indexOf(month) + 1;
        if (monthNumber > 0) {
          const iso = `${rest.slice(0, 4)}-${String(monthNumber).padStart(2, '0')}-${day}T${rest.slice(5)}`;
          const millis = parseIsoTimestamp(iso, 0, iso.length, 'lenient', context.zone);
          if (!Number.isNaN(millis)) time = millis;
        }
        text = text.slice(fileTime[0].length);
        const again = CATEGORY_PREFIX.exec(text);
        if (again !== null) {
          category = again[1];
          level = again[2];
          text = text.slice(again[0].length);
        }
      }
      const client = CLIENT.exec(text);
      const fields = client !== null ? clientMessage(client[1] ?? '', client[2] ?? '', client[4] ?? '') : serverMessage(text);
      if (fields === undefined || !('event' in fields)) return fields;
      if (client !== null && client[3] !== undefined && client[3].length > 0) fields.bind = assignFields(assignFields({}, fields.bind as Fields | undefined), { client_query: client[3] });
      if (level !== undefined) fields.log = { level: level.split(' ')[0] };
      if (category !== undefined) fields.bind = assignFields(assignFields({}, fields.bind as Fields | undefined), { category });
      if (time !== undefined) fields['@timestamp'] = time;
      return fields;
    };
  },
};

export const bindParser = defineSyslogBodyFormat(bindBodyParser);
