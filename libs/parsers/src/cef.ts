/**
 * ArcSight Common Event Format (CEF, spec revision 25):
 * `CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension`.
 * Every extension is kept under `cef.extensions.<key>` as written (like
 * Filebeat's cef module) and the well-known ones are also copied to ECS.
 * The body may still carry a syslog-like prefix (`Sep 19 08:26:10 host CEF:0|...`):
 * parsing starts at the `CEF:` marker.
 */
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat } from './body-format';
import { scanCefExtension } from './cef-extension';
import { parseDeviceTime } from './device-time';
import { countValue, hashFields, ipValue, macValue, outcomeValue, portValue, transportFields } from './ecs-values';
import { parseError } from './errors';
import { applyFieldRule, fieldRule, KeyTable, labelKey, ScannedPairs, spreadRule, type FieldRule } from './extension-mapping';
import { parseCount } from './field-path';
import { scanPipeHeader } from './pipe-header';
import { formatIsoTimestamp } from './time';
import type { ParserContext } from './context';

const DATASET = 'cef';
const HEADER_FIELDS = 7;

const lowerCase = (text: string): string => text.toLowerCase();

const CEF_RULES: ReadonlyArray<readonly [keys: readonly string[], rule: FieldRule]> = [
  [['src', 'sourceAddress'], fieldRule('source.ip', ipValue)],
  [['dst', 'destinationAddress'], fieldRule('destination.ip', ipValue)],
  [['spt', 'sourcePort'], fieldRule('source.port', portValue)],
  [['dpt', 'destinationPort'], fieldRule('destination.port', portValue)],
  [['smac', 'sourceMacAddress'], fieldRule('source.mac', macValue)],
  [['dmac', 'destinationMacAddress'], fieldRule('destination.mac', macValue)],
  [['shost', 'sourceHostName'], fieldRule('source.domain')],
  [['dhost', 'destinationHostName'], fieldRule('destination.domain')],
  [['suser', 'sourceUserName'], fieldRule('source.user.name')],
  [['duser', 'destinationUserName'], fieldRule('destination.user.name')],
  [['suid', 'sourceUserId'], fieldRule('source.user.id')],
  [['duid', 'destinationUserId'], fieldRule('destination.user.id')],
  [['sourceTranslatedAddress'], fieldRule('source.nat.ip', ipValue)],
  [['sourceTranslatedPort'], fieldRule('source.nat.port', portValue)],
  [['destinationTranslatedAddress'], fieldRule('destination.nat.ip', ipValue)],
  [['destinationTranslatedPort'], fieldRule('destination.nat.port', portValue)],
  [['in', 'bytesIn'], fieldRule('source.bytes', countValue)],
  [['out', 'bytesOut'], fieldRule('destination.bytes', countValue)],
  [['act', 'deviceAction'], fieldRule('event.action')],
  [['outcome'], fieldRule('event.outcome', outcomeValue)],
  [['reason'], fieldRule('event.reason')],
  [['request', 'requestUrl'], fieldRule('url.original')],
  [['requestMethod'], fieldRule('http.request.method')],
  [['requestClientApplication'], fieldRule('user_agent.original')],
  [['app', 'applicationProtocol'], fieldRule('network.protocol', lowerCase)],
  [['proto', 'transportProtocol'], spreadRule('network', transportFields)],
  [['fname', 'fileName'], fieldRule('file.name')],
  [['filePath'], fieldRule('file.path')],
  [['fsize', 'fileSize'], fieldRule('file.size', countValue)],
  [['fileHash'], spreadRule('file.hash', hashFields)],
  [['dvc', 'deviceAddress'], fieldRule('observer.ip', ipValue)],
  [['dvchost', 'deviceHostName'], fieldRule('observer.hostname')],
  [['dvcmac', 'deviceMacAddress'], fieldRule('observer.mac', macValue)],
  [['deviceInboundInterface'], fieldRule('observer.ingress.interface.name')],
  [['deviceOutboundInterface'], fieldRule('observer.egress.interface.name')],
];

/** What CEF does with an extension key besides keeping it under `cef.extensions`. */
interface CefKeyRole {
  readonly rule?: FieldRule;
  /** For a custom field label such as `cs1Label`: the key of the field it names (`cs1`). */
  readonly labelled?: string;
}

/** Custom fields (`cs1`) and the extensions naming them (`cs1Label`), short and full names. */
function customFieldKeys(): Array<readonly [keys: readonly string[], role: CefKeyRole]> {
  const entries: Array<readonly [keys: readonly string[], role: CefKeyRole]> = [];
  const families: Array<[short: string, full: string, count: number]> = [
    ['cs', 'deviceCustomString', 6],
    ['cn', 'deviceCustomNumber', 3],
    ['cfp', 'deviceCustomFloatingPoint', 4],
    ['c6a', 'deviceCustomIPv6Address', 4],
    ['flexString', 'flexString', 2],
    ['flexNumber', 'flexNumber', 2],
    ['flexDate', 'flexDate', 1],
    ['deviceCustomDate', 'deviceCustomDate', 2],
  ];
  for (const [short, full, count] of families) {
    for (let number = 1; number <= count; number++) {
      for (const name of short === full ? [short] : [short, full]) {
        entries.push([[`${name}${number}`], {}], [[`${name}${number}Label`], { labelled: `${name}${number}` }]);
      }
    }
  }
  return entries;
}

const RECEIPT_TIME_KEYS = ['rt', 'deviceReceiptTime'];
const START_TIME_KEYS = ['start', 'startTime'];
const END_TIME_KEYS = ['end', 'endTime'];
const MESSAGE_KEYS = ['msg', 'message'];

const CEF_KEYS = new KeyTable<CefKeyRole>([
  ...CEF_RULES.map(([keys, rule]) => [keys, { rule }] as const),
  ...customFieldKeys(),
  [[...RECEIPT_TIME_KEYS, ...START_TIME_KEYS, ...END_TIME_KEYS, ...MESSAGE_KEYS], {}],
]);

const slotsOf = (keys: readonly string[]): readonly number[] => keys.map((key) => CEF_KEYS.slot(key));
const RECEIPT_TIME_SLOTS = slotsOf(RECEIPT_TIME_KEYS);
const START_TIME_SLOTS = slotsOf(START_TIME_KEYS);
const END_TIME_SLOTS = slotsOf(END_TIME_KEYS);
const [MSG_SLOT, MESSAGE_SLOT] = slotsOf(MESSAGE_KEYS) as [number, number];

/** `labels.<cs1Label>` = `cs1`, for every custom field that came with its label. */
function customLabels(): Record<string, string> | undefined {
  let labels: Record<string, string> | undefined;
  for (let index = 0; index < CEF_KEYS.foundCount; index++) {
    const slot = CEF_KEYS.foundSlot(index);
    const labelled = CEF_KEYS.roleAt(slot).labelled;
    if (labelled === undefined) continue;
    const value = CEF_KEYS.valueAt(CEF_KEYS.slot(labelled));
    const name = labelKey(CEF_KEYS.valueAt(slot) as string);
    if (value === undefined || value.length === 0 || name === undefined) continue;
    labels ??= {};
    labels[name] = value;
  }
  return labels;
}

// The textual severities the specification allows, at the top of their numeric band
// (Low 0–3, Medium 4–6, High 7–8, Very-High 9–10), so a textual High never ranks below a numeric 7.
const SEVERITY_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['low', 3],
  ['medium', 6],
  ['high', 8],
  ['veryhigh', 10],
]);

function severityValue(text: string): number | undefined {
  const number = parseCount(text);
  if (number !== undefined) return number;
  if (text.length > 10) return undefined;
  return SEVERITY_BY_NAME.get(text.toLowerCase().replaceAll('-', '').replaceAll(' ', ''));
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Index of the `CEF:` marker, or -1. A body that starts with it claims the
 * format (a bad version is then an error); further in, it only counts after a
 * blank and before a digit, so free text that mentions CEF is no match.
 */
function markerIndex(body: string): number {
  if (body.startsWith('CEF:')) return 0;
  let index = body.indexOf('CEF:');
  while (index >= 0) {
    const versionStart = isBlank(body.charCodeAt(index + 4)) ? index + 5 : index + 4;
    if (isBlank(body.charCodeAt(index - 1)) && isDigit(body.charCodeAt(versionStart))) return index;
    index = body.indexOf('CEF:', index + 4);
  }
  return -1;
}

function isVersion(text: string): boolean {
  if (text.length === 0 || text.length > 8) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code) && !(code === 0x2e && index > 0)) return false;
  }
  return true;
}

/** The first of the time extensions that parses, as epoch millis. */
function firstTime(slots: readonly number[], context: ParserContext): number | undefined {
  for (const slot of slots) {
    const text = CEF_KEYS.valueAt(slot);
    if (text === undefined) continue;
    const millis = parseDeviceTime(text, context.zone, context.now);
    if (millis !== undefined) return millis;
  }
  return undefined;
}

function addTimes(fields: EcsFields, event: Record<string, unknown>, context: ParserContext): void {
  const start = firstTime(START_TIME_SLOTS, context);
  const end = firstTime(END_TIME_SLOTS, context);
  if (start !== undefined) event.start = formatIsoTimestamp(start);
  if (end !== undefined) event.end = formatIsoTimestamp(end);
  const time = firstTime(RECEIPT_TIME_SLOTS, context) ?? end ?? start;
  if (time !== undefined) fields['@timestamp'] = time;
}

// Parsing is synchronous, so one scratch array and one pair list serve every call.
const header: string[] = new Array<string>(HEADER_FIELDS).fill('');
const pairs = new ScannedPairs();

function parseCef(body: string, context: ParserContext) {
  const marker = markerIndex(body);
  if (marker < 0) return undefined;
  const extensionStart = scanPipeHeader(body, marker + 4, header);
  if (extensionStart < 0) {
    const found = -1 - extensionStart;
    return parseError(
      'SIEM_PARSE_BAD_CEF_HEADER',
      DATASET,
      `The CEF header has ${found} of its ${HEADER_FIELDS} "|" separators (CEF:Version|Vendor|Product|Version|Event Class ID|Name|Severity|Extension); the line was cut short or a header field holds an unescaped "|": check the sender's maximum message size and its escaping.`,
    );
  }
  const vendor = header[1] as string;
  const product = header[2] as string;
  const deviceVersion = header[3] as string;
  const eventClassId = header[4] as string;
  const name = header[5] as string;
  const severityText = header[6] as string;
  const version = (header[0] as string).trim();
  if (!isVersion(version)) {
    return parseError(
      'SIEM_PARSE_BAD_CEF_HEADER',
      DATASET,
      `The CEF version ${JSON.stringify(version.slice(0, 20))} is not a number such as 0 or 1; check that the sender writes CEF.`,
    );
  }
  scanCefExtension(body, extensionStart, pairs);
  const extensions = CEF_KEYS.collect(pairs);

  const device: Record<string, unknown> = {};
  if (vendor.length > 0) device.vendor = vendor;
  if (product.length > 0) device.product = product;
  if (deviceVersion.length > 0) device.version = deviceVersion;
  if (eventClassId.length > 0) device.event_class_id = eventClassId;
  const cef: Record<string, unknown> = { version, device, extensions };
  if (name.length > 0) cef.name = name;
  if (severityText.length > 0) cef.severity = severityText;

  const observer: Record<string, unknown> = {};
  if (vendor.length > 0) observer.vendor = vendor;
  if (product.length > 0) observer.product = product;
  if (deviceVersion.length > 0) observer.version = deviceVersion;
  const event: Record<string, unknown> = { kind: 'event' };
  if (eventClassId.length > 0) event.code = eventClassId;
  const severity = severityValue(severityText.trim());
  if (severity !== undefined) event.severity = severity;

  const fields: EcsFields = { event, observer, cef };
  for (let index = 0; index < CEF_KEYS.foundCount; index++) {
    const slot = CEF_KEYS.foundSlot(index);
    const rule = CEF_KEYS.roleAt(slot).rule;
    if (rule !== undefined) applyFieldRule(rule, CEF_KEYS.valueAt(slot) as string, fields);
  }
  addTimes(fields, event, context);
  const message = CEF_KEYS.valueAt(MSG_SLOT) ?? CEF_KEYS.valueAt(MESSAGE_SLOT);
  if (message !== undefined && message.length > 0) fields.message = message;
  else if (name.length > 0) fields.message = name;
  const labels = customLabels();
  if (labels !== undefined) fields.labels = labels;
  return fields;
}

export const cefBody: BodyParser = {
  dataset: DATASET,
  description: 'ArcSight Common Event Format (CEF:0|vendor|product|version|id|name|severity|extensions), alone or after a syslog-style prefix.',
  compile(_options, context) {
    return (body) => parseCef(body, context);
  },
};

export const cefParser = defineBodyFormat(cefBody);
