/**
 * Palo Alto Networks PAN-OS syslog in its default CSV form, read by field
 * position as PAN-OS's "Syslog Field Descriptions" list them: TRAFFIC,
 * THREAT, SYSTEM and CONFIG logs (`1,2026/12/04 10:00:00,0123456789,TRAFFIC,end,...`).
 * Mapped into ECS as Elastic's panw integration names the fields:
 * `observer.{vendor,product,type,serial_number}`, source and destination with
 * NAT, users and zones, `network.{transport,application,bytes,packets}`,
 * `rule.name`, `event.{action,outcome,category,type,duration,reason}`, and
 * `panw.panos.*` for what ECS has no field for. The time is the Generated
 * Time, read in the configured zone (PAN-OS writes local time without a zone).
 */
import type { FieldsBodyParser } from '../body-format';
import type { ParserContext } from '../context';
import { parseIsoTimestamp } from '../time';
import { countOf, endpoint, mismatch, observer, put, transportOf, type Fields } from './network-fields';
import { defineSyslogBodyFormat } from './syslog-body-format';

export const PANOS = 'panos';

const TYPES = new Set(['TRAFFIC', 'THREAT', 'SYSTEM', 'CONFIG']);
const ALLOWED = new Set(['allow', 'alert', 'continue', 'override']);

/** Splits one CSV record; a field in double quotes may hold commas and `""` for a quote. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let index = 0;
  const length = text.length;
  while (index <= length) {
    if (text.charCodeAt(index) === 0x22) {
      let value = '';
      let cursor = index + 1;
      for (;;) {
        const quote = text.indexOf('"', cursor);
        if (quote < 0) {
          value += text.slice(cursor);
          cursor = length;
          break;
        }
        value += text.slice(cursor, quote);
        if (text.charCodeAt(quote + 1) === 0x22) {
          value += '"';
          cursor = quote + 2;
        } else {
          cursor = quote + 1;
          break;
        }
      }
      fields.push(value);
      const comma = text.indexOf(',', cursor);
      if (comma < 0) break;
      index = comma + 1;
    } else {
      const comma = text.indexOf(',', index);
      if (comma < 0) {
        fields.push(text.slice(index));
        break;
      }
      fields.push(text.slice(index, comma));
      index = comma + 1;
    }
  }
  return fields;
}

/** `2026/12/04 10:00:00` in the configured zone → millis, or undefined. */
function panosTime(text: string | undefined, context: ParserContext): number | undefined {
  if (text === undefined || text.length !== 19) return undefined;
  const iso = `${text.slice(0, 4)}-${text.slice(5, 7)}-${text.slice(8, 10)}T${text.slice(11)}`;
  const millis = parseIsoTimestamp(iso, 0, iso.length, 'lenient', context.zone);
  return Number.isNaN(millis) ? undefined : millis;
}

function natEndpoint(address: string | undefined, port: string | undefined): Fields | undefined {
  if (address === undefined || address === '' || address === '0.0.0.0') return undefined;
  return endpoint(address, port === '0' ? undefined : port);
}

function withUser(fields: Fields | undefined, user: string | undefined): Fields {
  const result = fields ?? {};
  if (user !== undefined && user.length > 0) result.user = { name: user };
  return result;
}

const TRAFFIC_ACTIONS: Readonly<Record<string, string>> = { start: 'flow_started', end: 'flow_terminated', drop: 'flow_dropped', deny: 'flow_denied' };

/** Fields TRAFFIC and THREAT share, up to Action (position 30). */
function sessionFields(f: string[]): Fields {
  const source = withUser(endpoint(f[7], f[24]), f[12]);
  const sourceNat = natEndpoint(f[9], f[26]);
  if (sourceNat !== undefined) source.nat = sourceNat;
  const destination = withUser(endpoint(f[8], f[25]), f[13]);
  const destinationNat = natEndpoint(f[10], f[27]);
  if (destinationNat !== undefined) destination.nat = destinationNat;
  const fields: Fields = {
    source,
    destination,
    network: put(put({}, 'transport', transportOf(f[29])), 'application', f[14]),
    observer: {
      ingress: put(put({}, 'zone', f[16]), 'interface', f[18] ? { name: f[18] } : undefined),
      egress: put(put({}, 'zone', f[17]), 'interface', f[19] ? { name: f[19] } : undefined),
    },
    panw: { panos: put(put(put({ session_id: f[22] }, 'virtual_sys', f[15]), 'flags', f[28]), 'log_action', f[20]) },
  };
  put(fields, 'rule', f[11] ? { name: f[11] } : undefined);
  if (f[12]) fields.user = { name: f[12] };
  return fields;
}

function traffic(f: string[]): Fields {
  const action = f[30] ?? '';
  const denied = !ALLOWED.has(action);
  const fields = sessionFields(f);
  const event: Fields = {
    kind: 'event',
    category: ['network'],
    type: ['connection', f[4] === 'start' ? 'start' : f[4] === 'end' ? 'end' : 'denied'],
    action: TRAFFIC_ACTIONS[f[4] ?? ''] ?? f[4],
    outcome: denied ? 'failure' : 'success',
  };
  const elapsed = countOf(f[36]);
  if (elapsed !== undefined) event.duration = elapsed * 1e9;
  put(event, 'reason', f[46]);
  fields.event = event;
  put(fields.source as Fields, 'bytes', countOf(f[32]));
  put(fields.source as Fields, 'packets', countOf(f[44]));
  put(fields.destination as Fields, 'bytes', countOf(f[33]));
  put(fields.destination as Fields, 'packets', countOf(f[45]));
  put(fields.network as Fields, 'bytes', countOf(f[31]));
  put(fields.network as Fields, 'packets', countOf(f[34]));
  Object.assign((fields.panw as Fields).panos as Fields, put(put({ action }, 'url_category', f[37]), 'sequence_number', f[39]));
  return fields;
}

const THREAT_CATEGORIES: Readonly<Record<string, string[]>> = {
  url: ['network', 'web'],
  virus: ['malware'],
  wildfire: ['malware'],
  'wildfire-virus': ['malware'],
  spyware: ['malware', 'intrusion_detection'],
  vulnerability: ['intrusion_detection', 'network'],
  file: ['file'],
  flood: ['network'],
  scan: ['network'],
};

function threat(f: string[]): Fields {
  const action = f[30] ?? '';
  const allowed = ALLOWED.has(action);
  const fields = sessionFields(f);
  const subtype = f[4] ?? '';
  fields.event = {
    kind: subtype === 'url' ? 'event' : 'alert',
    category: THREAT_CATEGORIES[subtype] ?? ['network'],
    type: [allowed ? 'allowed' : 'denied'],
    action: `${subtype}_detected`,
    outcome: allowed ? 'success' : 'failure',
  };
  const target = f[31];
  if (subtype === 'url' && target) fields.url = { original: target };
  else if (target) fields.file = { name: target };
  if (f[34]) fields.log = { level: f[34] };
  Object.assign((fields.panw as Fields).panos as Fields, put(put(put({ action, threat: put({}, 'name', f[32]) }, 'url_category', f[33]), 'direction', f[35]), 'sequence_number', f[36]));
  return fields;
}

function system(f: string[]): Fields {
  const severity = f[13];
  return {
    event: { kind: 'event', category: ['host'], type: ['info'], action: f[8] || 'system' },
    message: f[14],
    log: put({}, 'level', severity),
    panw: { panos: put(put(put({ event_id: f[8] }, 'object', f[9]), 'module', f[12]), 'virtual_sys', f[7]) },
  };
}

function config(f: string[]): Fields {
  const succeeded = f[12] === 'Succeeded';
  const fields: Fields = {
    event: { kind: 'event', category: ['configuration'], type: ['change'], action: f[9] || 'config', outcome: succeeded ? 'success' : 'failure' },
    user: { name: f[10] },
    panw: { panos: put(put(put(put({ command: f[9] }, 'client', f[11]), 'result', f[12]), 'path', f[13]), 'virtual_sys', f[8]) },
  };
  put(fields, 'source', endpoint(f[7]));
  return fields;
}

export const panosBodyParser: FieldsBodyParser = {
  dataset: PANOS,
  description: 'Palo Alto Networks PAN-OS syslog CSV (TRAFFIC, THREAT, SYSTEM, CONFIG) by field position, with the fields of Elastic\'s panw integration.',
  compile(_options, context) {
    return (body) => {
      // FUTURE_USE, Receive Time (yyyy/mm/dd hh:mm:ss), Serial Number, Type: the shape every PAN-OS log starts with.
      const firstComma = body.indexOf(',');
      if (firstComma < 0 || firstComma > 12 || body.charCodeAt(firstComma + 5) !== 0x2f) return undefined;
      const f = splitCsv(body);
      const type = f[3] ?? '';
      if (!TYPES.has(type)) return undefined;
      const minimum = type === 'TRAFFIC' ? 37 : type === 'THREAT' ? 36 : type === 'SYSTEM' ? 15 : 13;
      if (f.length < minimum) {
        return mismatch(PANOS, `The PAN-OS ${type} log has ${f.length} fields, fewer than the ${minimum} its documented format places before the fields used here; check the firewall's syslog format (custom formats are not read by position).`);
      }
      const fields = type === 'TRAFFIC' ? traffic(f) : type === 'THREAT' ? threat(f) : type === 'SYSTEM' ? system(f) : config(f);
      // Copied key by key: an object spread of the type's own observer fields cost a sixth of the parse.
      const own = fields.observer as Fields | undefined;
      const device = observer('Palo Alto Networks', 'PAN-OS');
      device.serial_number = f[2];
      if (own !== undefined) for (const key in own) device[key] = own[key];
      fields.observer = device;
      const panos = (fields.panw as Fields).panos as Fields;
      panos.type = type;
      put(panos, 'sub_type', f[4]);
      const generated = panosTime(f[6], context) ?? panosTime(f[1], context);
      if (generated !== undefined) fields['@timestamp'] = generated;
      return fields;
    };
  },
};

export const panosParser = defineSyslogBodyFormat(panosBodyParser);
