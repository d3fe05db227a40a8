/**
 * The `date` option of the grok and kv parsers, as Logstash's date filter:
 * the field that holds the time, the formats to try in order (Java/Joda
 * patterns such as `dd/MMM/yyyy:HH:mm:ss Z`, or `ISO8601`, `UNIX`,
 * `UNIX_MS`), the zone for times that name none, and the locale of month and
 * day names. The first format that reads the value sets `@timestamp`; when
 * none does, the value is handed on as it is, so the event keeps the header's
 * or the receive time and is tagged `_timestamp_from_receipt`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { isParseError, type EcsFields, type FieldsBodyParser } from './body-format';
import type { ParserContext } from './context';
import { ParserSetupError } from './errors';
import { fieldPath, type FieldPath } from './field-path';
import { isSupportedJavaDatePattern, parseJavaDate } from './java-date-format';
import { parseIsoTimestamp, TimeZone } from './time';

export const DateOptionSchema = Type.Object(
  {
    field: Type.String({ minLength: 1, maxLength: 128, description: 'Dotted path of the field that holds the time, as the parser names it (e.g. "timestamp", "kv.time").' }),
    formats: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 16,
      description: 'Formats tried in order: Java/Joda patterns (y M d H h m s S a E z Z X), or ISO8601, UNIX (epoch seconds), UNIX_MS (epoch milliseconds).',
    }),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA zone for times that name none; default the parser\'s timezone.' })),
    locale: Type.Optional(Type.String({ minLength: 2, maxLength: 35, description: 'BCP 47 locale of month and day names (e.g. "de", "fr-FR"); default English.' })),
  },
  { additionalProperties: false },
);

export type DateOption = Static<typeof DateOptionSchema>;

type Reader = (text: string) => number | undefined;

/** Localised month and day names → English, so the Java reader (English names) reads them. */
function localeTranslator(locale: string): (text: string) => string {
  let formats: Intl.DateTimeFormat[];
  try {
    formats = ['long', 'short'].flatMap((width) => [
      new Intl.DateTimeFormat(locale, { month: width as 'long' | 'short', timeZone: 'UTC' }),
      new Intl.DateTimeFormat(locale, { weekday: width as 'long' | 'short', timeZone: 'UTC' }),
    ]);
  } catch {
    throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `Parser option date.locale "${locale}" is not a locale this runtime knows; use a BCP 47 tag such as "de" or "fr-FR".`);
  }
  const english = ['long', 'short'].flatMap((width) => [
    new Intl.DateTimeFormat('en', { month: width as 'long' | 'short', timeZone: 'UTC' }),
    new Intl.DateTimeFormat('en', { weekday: width as 'long' | 'short', timeZone: 'UTC' }),
  ]);
  const names = new Map<string, string>();
  formats.forEach((format, index) => {
    const isMonth = index % 2 === 0;
    for (let i = 0; i < (isMonth ? 12 : 7); i++) {
      const date = isMonth ? new Date(Date.UTC(2026, i, 1)) : new Date(Date.UTC(2026, 0, 4 + i));
      const local = format.format(date).toLowerCase();
      const name = english[index]?.format(date) ?? local;
      // French and others abbreviate with a dot ("déc."), which the pattern does not carry: both spellings are read.
      names.set(local, name);
      names.set(local.replace(/\.$/, ''), name);
    }
  });
  const pattern = new RegExp([...names.keys()].sort((a, b) => b.length - a.length).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  return (text) => text.replace(pattern, (name) => names.get(name.toLowerCase()) ?? name);
}

function readerOf(format: string, zone: TimeZone, now: () => Date): Reader {
  if (format === 'ISO8601') {
    return (text) => {
      const millis = parseIsoTimestamp(text, 0, text.length, 'lenient', zone);
      return Number.isNaN(millis) ? undefined : millis;
    };
  }
  if (format === 'UNIX' || format === 'UNIX_MS') {
    const scale = format === 'UNIX' ? 1000 : 1;
    return (text) => (/^\d{1,13}(?:\.\d{1,9})?$/.test(text) ? Math.round(Number(text) * scale) : undefined);
  }
  if (!isSupportedJavaDatePattern(format)) {
    throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `Parser option date.formats has "${format}", which uses a letter the Java date reader does not know; use y M d H h m s S a E z Z X, quoted text, or ISO8601, UNIX, UNIX_MS.`);
  }
  return (text) => parseJavaDate(text, format, zone, now);
}

function valueAt(fields: EcsFields, path: FieldPath): unknown {
  let value: unknown = fields;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Compiles the option once: a function that sets `@timestamp` in the fields a body parser found. */
export function compileDateOption(option: DateOption, context: ParserContext): (fields: EcsFields) => void {
  const zone = option.timezone === undefined ? context.zone : new TimeZone(option.timezone);
  const translate = option.locale === undefined || option.locale.toLowerCase().startsWith('en') ? undefined : localeTranslator(option.locale);
  const readers = option.formats.map((format) => readerOf(format, zone, context.now));
  const path = fieldPath(option.field);
  return (fields) => {
    const value = valueAt(fields, path);
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const raw = String(value).trim();
    const text = translate === undefined ? raw : translate(raw);
    for (const read of readers) {
      const millis = read(text);
      if (millis !== undefined) {
        fields['@timestamp'] = millis;
        return;
      }
    }
    // Handed on unread: the event keeps its outer time and is tagged _timestamp_from_receipt.
    fields['@timestamp'] = `unreadable: ${raw}`;
  };
}

/** A body parser (grok, kv) with the `date` option added to its options. */
export function withDateOption<Options extends object>(bodyParser: FieldsBodyParser<Options>): FieldsBodyParser<Options & { date?: DateOption }> {
  const schema = bodyParser.optionsSchema;
  if (schema === undefined) throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `Parser "${bodyParser.dataset}" has no options schema to add the date option to.`);
  return {
    ...bodyParser,
    optionsSchema: Type.Object({ ...schema.properties, date: Type.Optional(DateOptionSchema) }, { additionalProperties: false }),
    compile(options, context) {
      const { date, ...own } = options;
      const parse = bodyParser.compile(own as Options, context);
      if (date === undefined) return parse;
      const applyDate = compileDateOption(date, context);
      return (body) => {
        const result = parse(body);
        if (result !== undefined && !isParseError(result)) applyDate(result);
        return result;
      };
    },
  };
}
