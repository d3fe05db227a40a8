/**
 * JSON lines (NDJSON) as sent by Filebeat, Fluent Bit, Vector or an
 * application logger. ECS fields are taken as they are; any other top-level
 * key moves under a namespace (`json` by default, as Filebeat's ndjson
 * parser does without keys_under_root), so an application's `status` or
 * `id` cannot collide with the ECS mapping. Windows event and CloudTrail
 * shapes are recognised and handed to their mappers, so `json` and `auto`
 * inputs get the same rich fields as the dedicated parser types.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { RawRecord } from '@siem/schema';
import { createParserContext, decodePayload, type ParserContext } from './context';
import { CLOUDTRAIL_PARSER, mapCloudTrailObject } from './cloudtrail';
import { ParserSetupError } from './errors';
import { assignMerged, decodeJsonObject, finishJsonEvent, isJsonObject, type JsonObject } from './json-object';
import { resolveParserOptions } from './options';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';
import { formatIsoTimestamp, isValidTimeValue, parseIsoTimestamp, type TimeZone } from './time';
import { mapWindowsObject, WINDOWS_PARSER } from './windows';

export { MAX_JSON_DEPTH } from './json-object';

export const JSON_PARSER = 'json';

export const DEFAULT_JSON_NAMESPACE = 'json';

/**
 * Top-level names of ECS 8.x (base fields and the field sets allowed at the
 * top level, tracing included). Field sets that ECS only nests (geo, os,
 * hash, pe, x509, ...) are not listed: at the top level they are custom.
 */
export const ECS_TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  '@timestamp', 'message', 'tags', 'labels', 'ecs',
  'agent', 'client', 'cloud', 'container', 'data_stream', 'destination', 'device', 'dll', 'dns', 'email', 'error',
  'event', 'faas', 'file', 'gen_ai', 'group', 'host', 'http', 'log', 'network', 'observer', 'orchestrator',
  'organization', 'package', 'process', 'registry', 'related', 'rule', 'server', 'service', 'source', 'span',
  'threat', 'tls', 'trace', 'transaction', 'url', 'user', 'user_agent', 'vulnerability',
]);

const NAMESPACE_PATTERN = '^(?:[a-z_][a-z0-9_]*(?:\\.[a-z_][a-z0-9_]*)*)?$';

export const JsonOptionsSchema = Type.Object(
  {
    namespace: Type.String({
      default: DEFAULT_JSON_NAMESPACE,
      pattern: NAMESPACE_PATTERN,
      description:
        'Where top-level keys that are not ECS fields go, as a dotted path such as "json" or "app.fields"; "" keeps them at the top level.',
    }),
  },
  { additionalProperties: false },
);

export type JsonOptions = Static<typeof JsonOptionsSchema>;

const DEFAULT_NAMESPACE_PATH: readonly string[] = [DEFAULT_JSON_NAMESPACE];

/** Parses one decoded JSON line; `namespacePath` is the split `namespace` option (empty keeps custom keys in place). */
export function parseJsonLine(
  line: string,
  record: RawRecord,
  context: ParserContext,
  namespacePath: readonly string[] = DEFAULT_NAMESPACE_PATH,
): ParseResult {
  const decoded = decodeJsonObject(line, JSON_PARSER);
  if (!decoded.ok) return decoded;
  const fields = decoded.value;

  const cloudTrail = mapCloudTrailObject(fields);
  if (cloudTrail !== undefined) {
    if (!cloudTrail.ok) return cloudTrail;
    return { ok: true, event: finishJsonEvent(cloudTrail.fields, line, record, context, CLOUDTRAIL_PARSER) };
  }
  const windows = mapWindowsObject(fields);
  if (windows !== undefined) return { ok: true, event: finishJsonEvent(windows, line, record, context, WINDOWS_PARSER) };

  return { ok: true, event: finishJsonEvent(moveCustomFields(fields, namespacePath, context.zone), line, record, context, JSON_PARSER) };
}

/**
 * Moves non-ECS top-level keys under the namespace. A line that already
 * carries the namespace object (an event shipped twice) has it merged rather
 * than nested a second time.
 */
function moveCustomFields(fields: JsonObject, namespacePath: readonly string[], zone: TimeZone): JsonObject {
  const [root, ...rest] = namespacePath;
  if (root === undefined) return fields;
  const custom: JsonObject = {};
  const result: JsonObject = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    // An ECS field set given as a plain value ("user": "alice", "url": "https://...") would break the store's mapping: it is the sender's own field.
    if (ECS_TOP_LEVEL_FIELDS.has(key) && (ECS_VALUE_FIELDS.has(key) || isJsonObject(value))) result[key] = value;
    else if (key === root && rest.length === 0 && isJsonObject(value)) mergeInto(custom, value);
    else assignMerged(custom, key, value);
  }
  if (Object.keys(custom).length === 0) return result;
  if (result['@timestamp'] === undefined) {
    const time = timeFromCommonField(custom, zone);
    if (time !== undefined) result['@timestamp'] = time;
  }
  let parent = result;
  for (const segment of namespacePath.slice(0, -1)) {
    const child: JsonObject = {};
    parent[segment] = child;
    parent = child;
  }
  parent[namespacePath[namespacePath.length - 1] ?? root] = custom;
  return result;
}

/** ECS top-level fields whose value is not an object; a string `log` (Fluent Bit, Docker) becomes the message further on. */
const ECS_VALUE_FIELDS: ReadonlySet<string> = new Set(['@timestamp', 'message', 'tags', 'log']);
/** Where applications put the time when they write no `@timestamp`, in the order they are tried. */
const COMMON_TIME_FIELDS = ['time', 'timestamp', 'ts', 'date', 'datetime', '@t'] as const;
/** Epoch numbers below this are seconds, above it milliseconds (as for CEF). */
const SECONDS_LIMIT = 100_000_000_000;

/** `@timestamp` from the first common time field that reads as ISO 8601 or an epoch; zoneless times are read in `zone`. */
function timeFromCommonField(custom: JsonObject, zone: TimeZone): string | undefined {
  for (const name of COMMON_TIME_FIELDS) {
    const value = custom[name];
    let millis = Number.NaN;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) millis = value < SECONDS_LIMIT ? Math.round(value * 1000) : Math.round(value);
    else if (typeof value === 'string' && value.length >= 10 && value.length <= 40) millis = parseIsoTimestamp(value, 0, value.length, 'lenient', zone);
    if (isValidTimeValue(millis)) return formatIsoTimestamp(millis);
  }
  return undefined;
}

function mergeInto(target: JsonObject, source: JsonObject): void {
  for (const key of Object.keys(source)) assignMerged(target, key, source[key]);
}

function namespacePathOf(parserType: string, options: Readonly<Record<string, unknown>>): readonly string[] {
  const { namespace } = resolveParserOptions(parserType, JsonOptionsSchema, options);
  if (namespace === '') return [];
  const path = namespace.split('.');
  if (ECS_TOP_LEVEL_FIELDS.has(path[0] ?? '')) {
    throw new ParserSetupError(
      'SIEM_PARSE_INVALID_CONFIG',
      `Parser "${parserType}": option "namespace" is "${namespace}", which is inside the ECS field set "${path[0]}"; choose a name of your own such as "json" or "app", or "" to keep custom keys at the top level.`,
    );
  }
  return path;
}

export function createJsonParser(config?: Partial<ParserConfig>): Parser {
  const context = createParserContext(config);
  const namespacePath = namespacePathOf(JSON_PARSER, context.config.options);
  return {
    type: JSON_PARSER,
    parse(record: RawRecord): ParseResult {
      const line = decodePayload(record, context, JSON_PARSER);
      return typeof line === 'string' ? parseJsonLine(line, record, context, namespacePath) : { ok: false, error: line };
    },
  };
}

export const jsonParser: ParserDefinition = {
  type: JSON_PARSER,
  description:
    'One JSON object per line: ECS fields kept, other top-level keys moved under option "namespace" (default "json"); dotted keys expanded, prototype keys dropped, nesting limited to 32 levels; Windows event and CloudTrail objects mapped as by the windows and cloudtrail parsers.',
  optionsSchema: JsonOptionsSchema,
  create: createJsonParser,
};
