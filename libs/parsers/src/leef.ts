/**
 * IBM QRadar Log Event Extended Format:
 * LEEF 1.0 `LEEF:1.0|Vendor|Product|Version|EventID|key=value<tab>key=value...`
 * LEEF 2.0 `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|key=value<delim>...`,
 * where the delimiter is one character or its hex code (`^`, `x09`, `0x7C`)
 * and a tab when left empty. Every attribute is kept under
 * `leef.extensions.<key>`; the predefined ones are also copied to ECS.
 */
import type { BodyParser, EcsFields } from './body-format';
import { defineBodyFormat } from './body-format';
import type { ParserContext } from './context';
import { parseDeviceTime } from './device-time';
import { countValue, ipValue, macValue, portValue, transportFields } from './ecs-values';
import { parseError, type ParseError } from './errors';
import { applyFieldRule, fieldRule, KeyTable, ScannedPairs, spreadRule, type FieldRule } from './extension-mapping';
import { parseCount } from './field-path';
import { parseJavaDate } from './java-date-format';
import { isForbiddenKey } from './keys';
import { scanPipeHeader } from './pipe-header';

const DATASET = 'leef';
const TAB = '\t';

const LEEF_KEYS = new KeyTable<FieldRule | undefined>([
  [['src'], fieldRule('source.ip', ipValue)],
  [['dst'], fieldRule('destination.ip', ipValue)],
  [['srcPort'], fieldRule('source.port', portValue)],
  [['dstPort'], fieldRule('destination.port', portValue)],
  [['srcPostNAT'], fieldRule('source.nat.ip', ipValue)],
  [['dstPostNAT'], fieldRule('destination.nat.ip', ipValue)],
  [['srcPostNATPort'], fieldRule('source.nat.port', portValue)],
  [['dstPostNATPort'], fieldRule('destination.nat.port', portValue)],
  [['srcMAC'], fieldRule('source.mac', macValue)],
  [['dstMAC'], fieldRule('destination.mac', macValue)],
  [['srcBytes'], fieldRule('source.bytes', countValue)],
  [['dstBytes'], fieldRule('destination.bytes', countValue)],
  [['totalBytes'], fieldRule('network.bytes', countValue)],
  [['srcPackets'], fieldRule('source.packets', countValue)],
  [['dstPackets'], fieldRule('destination.packets', countValue)],
  [['proto'], spreadRule('network', transportFields)],
  [['usrName'], fieldRule('user.name')],
  [['sev'], fieldRule('event.severity', parseCount)],
  [['url'], fieldRule('url.original')],
  [['policy'], fieldRule('rule.name')],
  [['devTime', 'devTimeFormat'], undefined],
]);

const DEV_TIME_SLOT = LEEF_KEYS.slot('devTime');
const DEV_TIME_FORMAT_SLOT = LEEF_KEYS.slot('devTimeFormat');

const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set(['1.0', '2.0', '1', '2']);

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The delimiter a LEEF 2.0 header names: empty (tab), one character, or `x5E` / `0x5E` / `\x5E`. */
function delimiterOf(field: string): string | undefined {
  if (field.length === 0) return TAB;
  if (field.length === 1) return field;
  let digits: string;
  if (field.startsWith('0x') || field.startsWith('\\x')) digits = field.slice(2);
  else if (field.startsWith('x') || field.startsWith('X')) digits = field.slice(1);
  else return undefined;
  if (digits.length < 1 || digits.length > 4) return undefined;
  let code = 0;
  for (let index = 0; index < digits.length; index++) {
    const digit = hexDigit(digits.charCodeAt(index));
    if (digit < 0) return undefined;
    code = code * 16 + digit;
  }
  return code === 0 ? undefined : String.fromCharCode(code);
}

/**
 * Splits the attributes on the delimiter; in each, the key runs to the first
 * `=`. The next `=` is remembered across pairs, so pairs without one cost no
 * rescan of the rest of the line.
 */
function scanAttributes(body: string, start: number, delimiter: string, into: ScannedPairs): void {
  into.clear();
  let pairStart = start;
  let equals = -1;
  while (pairStart <= body.length) {
    let pairEnd = body.indexOf(delimiter, pairStart);
    if (pairEnd < 0) pairEnd = body.length;
    if (equals < pairStart && equals !== Number.POSITIVE_INFINITY) {
      equals = body.indexOf('=', pairStart);
      if (equals < 0) equals = Number.POSITIVE_INFINITY;
    }
    if (equals > pairStart && equals < pairEnd) {
      const key = body.slice(pairStart, equals).trim();
      if (key.length > 0 && !isForbiddenKey(key)) into.add(key, body.slice(equals + 1, pairEnd));
    }
    pairStart = pairEnd + delimiter.length;
  }
}

function headerError(message: string): ParseError {
  return parseError('SIEM_PARSE_BAD_LEEF_HEADER', DATASET, message);
}

function deviceTime(context: ParserContext): number | undefined {
  const text = LEEF_KEYS.valueAt(DEV_TIME_SLOT);
  if (text === undefined) return undefined;
  const format = LEEF_KEYS.valueAt(DEV_TIME_FORMAT_SLOT);
  // A format the time does not match is more often a stale setting than a wrong time, so the default forms are tried next.
  const formatted = format === undefined || format.length === 0 ? undefined : parseJavaDate(text, format, context.zone, context.now);
  return formatted ?? parseDeviceTime(text, context.zone, context.now);
}

// Parsing is synchronous, so one scratch array and one pair list serve every call.
const header: string[] = new Array<string>(5).fill('');
const pairs = new ScannedPairs();

function leefFields(attributes: Record<string, string>, context: ParserContext, delimiter?: string): EcsFields {
  const version = header[0] as string;
  const vendor = header[1] as string;
  const product = header[2] as string;
  const productVersion = header[3] as string;
  const eventId = header[4] as string;
  const leef: Record<string, unknown> = { version };
  const observer: Record<string, unknown> = {};
  const event: Record<string, unknown> = { kind: 'event' };
  if (vendor.length > 0) leef.vendor = observer.vendor = vendor;
  if (product.length > 0) leef.product = observer.product = product;
  if (productVersion.length > 0) leef.product_version = observer.version = productVersion;
  if (eventId.length > 0) leef.event_id = event.code = eventId;
  if (delimiter !== undefined) leef.delimiter = delimiter;
  leef.extensions = attributes;
  const fields: EcsFields = { event, observer, leef };
  for (let index = 0; index < LEEF_KEYS.foundCount; index++) {
    const slot = LEEF_KEYS.foundSlot(index);
    const rule = LEEF_KEYS.roleAt(slot);
    if (rule !== undefined) applyFieldRule(rule, LEEF_KEYS.valueAt(slot) as string, fields);
  }
  const time = deviceTime(context);
  if (time !== undefined) fields['@timestamp'] = time;
  return fields;
}

/** Index of `LEEF:` at the start or after a blank, or -1. */
function markerIndex(body: string): number {
  if (body.startsWith('LEEF:')) return 0;
  const blank = body.indexOf(' LEEF:');
  return blank < 0 ? -1 : blank + 1;
}

/**
 * The LEEF 2.0 delimiter field after the event ID, and where the attributes
 * start. Senders that leave the field out altogether put the first attribute
 * there, which the `=` gives away.
 */
function delimiterField(body: string, start: number): { field: string; attributesStart: number } | undefined {
  const pipe = body.indexOf('|', start);
  const field = pipe < 0 ? body.slice(start) : body.slice(start, pipe);
  if (field.includes('=')) return { field: '', attributesStart: start };
  return pipe < 0 ? undefined : { field, attributesStart: pipe + 1 };
}

function parseLeef(body: string, context: ParserContext) {
  const marker = markerIndex(body);
  if (marker < 0) return undefined;
  const headerEnd = scanPipeHeader(body, marker + 5, header);
  const version = (headerEnd === -1 ? body.slice(marker + 5, marker + 13) : (header[0] as string)).trim();
  if (!SUPPORTED_VERSIONS.has(version)) {
    return headerError(
      `The LEEF version ${JSON.stringify(version.slice(0, 20))} is neither 1.0 nor 2.0, or the header has no "|"; check that the sender writes LEEF.`,
    );
  }
  header[0] = version;
  const isVersion2 = version.startsWith('2');
  const expected = isVersion2 ? 6 : 5;
  const delimiterAt = headerEnd < 0 ? undefined : isVersion2 ? delimiterField(body, headerEnd) : { field: TAB, attributesStart: headerEnd };
  if (delimiterAt === undefined) {
    const found = headerEnd < 0 ? -1 - headerEnd : 5;
    return headerError(
      `The LEEF ${version} header has ${found} of its ${expected} "|" separators (LEEF:${version}|Vendor|Product|Version|EventID|${isVersion2 ? 'Delimiter|' : ''}); the line was cut short: check the sender's maximum message size.`,
    );
  }
  const delimiter = delimiterOf(delimiterAt.field);
  if (delimiter === undefined) {
    return headerError(
      `The LEEF 2.0 delimiter ${JSON.stringify(delimiterAt.field.slice(0, 20))} is neither one character nor a hex code such as x09 or 0x5E; fix the sender's LEEF delimiter setting.`,
    );
  }
  scanAttributes(body, delimiterAt.attributesStart, delimiter, pairs);
  return leefFields(LEEF_KEYS.collect(pairs), context, isVersion2 ? delimiter : undefined);
}

export const leefBody: BodyParser = {
  dataset: DATASET,
  description: 'IBM QRadar Log Event Extended Format, LEEF 1.0 (tab-separated) and LEEF 2.0 (delimiter named in the header), alone or after a syslog-style prefix.',
  compile(_options, context) {
    return (body) => parseLeef(body, context);
  },
};

export const leefParser = defineBodyFormat(leefBody);
