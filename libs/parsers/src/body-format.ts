/**
 * Formats that live in a message body: CEF, LEEF, key=value, sshd, auditd,
 * iptables... Each is written once as a BodyParser and used two ways: as a
 * parser of its own for inputs that carry only that format, and chained after
 * a syslog header (see syslog-chain.ts), so that a CEF line sent over syslog
 * carries both the syslog and the CEF fields.
 */
import { Type, type TObject } from '@sinclair/typebox';
import type { EcsEvent, RawRecord } from '@siem/schema';
import { createParserContext, decodePayload, eventFields, TIMESTAMP_FROM_RECEIPT, type ParserContext } from './context';
import { parseError, type ParseError } from './errors';
import { isForbiddenKey } from './keys';
import { resolveParserOptions } from './options';
import { formatIsoTimestamp } from './time';
import type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';

/** Nested ECS fields a body parser found, e.g. `{ source: { ip: '10.0.0.1' } }`. */
export type EcsFields = Record<string, unknown>;

/**
 * What a body parser returns: the fields it found; a ParseError when the body
 * claims the format (e.g. starts with "CEF:") but is broken; or `undefined`
 * when the body is simply not of this format (a chained syslog event then
 * keeps its syslog fields alone).
 * `@timestamp`, when present, is epoch millis or an ISO 8601 string and
 * replaces the outer time; `event.dataset`, when present, replaces the
 * parser's own dataset.
 */
export type BodyParseResult = EcsFields | ParseError | undefined;

interface BodyFormat {
  /** `event.dataset` of the events it recognizes, also the parser type when used on its own. */
  readonly dataset: string;
  readonly description: string;
  /** Options the format takes; validated at start. */
  readonly optionsSchema?: TObject;
}

/** A body format that returns the fields it found, to be merged into the event. */
export interface FieldsBodyParser<Options = Record<string, never>> extends BodyFormat {
  /** Called once at start with validated options; returns the function applied to each body. */
  compile(options: Options, context: ParserContext): (body: string) => BodyParseResult;
}

/**
 * What a writing body parser returns: `true` when it wrote its fields;
 * otherwise a ParseError or `undefined` as in BodyParseResult, and the
 * target is left untouched.
 */
export type BodyWriteResult = true | ParseError | undefined;

/**
 * Writes what a body holds straight into `target` (the event of the outer
 * parser, or an empty object), exactly as mergeEcsFields would merge the
 * fields it would otherwise return: `@timestamp` as found, and no
 * `event.dataset`, which its caller sets.
 */
export type BodyWriter = (body: string, target: EcsFields) => BodyWriteResult;

/**
 * A body format on a hot chained path (iptables, sshd): writing in place
 * spares building its fields apart and merging them key by key, which costs
 * as much as a good part of the parse.
 */
export interface WritingBodyParser<Options = Record<string, never>> extends BodyFormat {
  /** Called once at start with validated options; returns the writer applied to each body. */
  compileWriter(options: Options, context: ParserContext): BodyWriter;
}

export type BodyParser<Options = Record<string, never>> = FieldsBodyParser<Options> | WritingBodyParser<Options>;

export function isParseError(value: BodyParseResult): value is ParseError {
  return value !== undefined && typeof (value as Partial<ParseError>).code === 'string' && (value as Partial<ParseError>).retryable === false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Deep-merges `fields` into `target`: objects merge key by key, anything else
 * (arrays included) replaces; prototype-reaching keys are skipped.
 */
export function mergeEcsFields(target: Record<string, unknown>, fields: EcsFields): void {
  mergeFieldsExcept(target, fields, undefined);
}

// for-in rather than Object.keys: the fields are plain objects, and for-in allocates no key array.
function mergeFieldsExcept(target: Record<string, unknown>, fields: EcsFields, skippedKey: string | undefined): void {
  for (const key in fields) {
    if (key === skippedKey || isForbiddenKey(key)) continue;
    const value = fields[key];
    if (value === undefined) continue;
    const existing = target[key];
    // Most keys are new to the target, so that case is settled before looking at the value.
    if (existing !== undefined && isPlainObject(existing) && isPlainObject(value)) mergeFieldsExcept(existing, value, undefined);
    else target[key] = value;
  }
}

/** Turns the `@timestamp` a body parser gave into ISO 8601, or undefined when it is unusable. */
function bodyTimestamp(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return formatIsoTimestamp(value);
  if (typeof value === 'string') {
    const millis = Date.parse(value);
    return Number.isNaN(millis) ? undefined : formatIsoTimestamp(millis);
  }
  return undefined;
}

/**
 * Merges what a body parser found into an event built by an outer parser.
 * Returns the event, with `event.dataset` naming the body's format.
 */
export function applyBodyFields(event: EcsEvent, fields: EcsFields, dataset: string): EcsEvent {
  mergeFieldsExcept(event as Record<string, unknown>, fields, '@timestamp');
  if (typeof (fields.event as Record<string, unknown> | undefined)?.dataset !== 'string') event.event.dataset = dataset;
  const found = fields['@timestamp'];
  if (found !== undefined) {
    const timestamp = bodyTimestamp(found);
    if (timestamp !== undefined) {
      event['@timestamp'] = timestamp;
      untagReceiptTime(event);
    } else {
      tagUnreadableTime(event);
    }
  }
  return event;
}

/** What applyBodyFields does after the merge, for a writer that wrote in place over `outerTimestamp`. */
function finishWrittenEvent(event: EcsEvent, outerTimestamp: string, dataset: string): void {
  const written: unknown = event['@timestamp'];
  if (written !== outerTimestamp) {
    const timestamp = bodyTimestamp(written);
    event['@timestamp'] = timestamp ?? outerTimestamp;
    if (timestamp === undefined) tagUnreadableTime(event);
  }
  event.event.dataset = dataset;
}

/**
 * The body had a time that could not be read, so the event keeps the time of
 * its header or of receipt: said by a tag rather than silently.
 */
function tagUnreadableTime(event: EcsEvent): void {
  const tags = event.tags;
  if (!Array.isArray(tags)) event.tags = [TIMESTAMP_FROM_RECEIPT];
  else if (!tags.includes(TIMESTAMP_FROM_RECEIPT)) tags.push(TIMESTAMP_FROM_RECEIPT);
}

/** The header had no readable time (a Cisco IOS line with its stamp after a sequence number) but the body has one. */
function untagReceiptTime(event: EcsEvent): void {
  const tags = event.tags;
  if (!Array.isArray(tags)) return;
  const at = tags.indexOf(TIMESTAMP_FROM_RECEIPT);
  if (at < 0) return;
  tags.splice(at, 1);
  if (tags.length === 0) delete event.tags;
}

/** A compiled body parser, ready to run on bodies extracted by another parser. */
export interface CompiledBodyParser {
  readonly dataset: string;
  readonly parseBody: (body: string) => BodyParseResult;
  /** Parses the body into `event` (as applyBodyFields would), or returns why not with `event` untouched. */
  readonly writeBody: (body: string, event: EcsEvent) => BodyWriteResult;
}

export function compileBodyParser<Options>(
  bodyParser: BodyParser<Options>,
  context: ParserContext,
  options: Readonly<Record<string, unknown>> = {},
): CompiledBodyParser {
  const dataset = bodyParser.dataset;
  const resolved = resolveParserOptions(dataset, bodyParser.optionsSchema ?? NO_OPTIONS, options) as Options;
  if ('compileWriter' in bodyParser) {
    const write = bodyParser.compileWriter(resolved, context);
    return {
      dataset,
      parseBody(body) {
        const fields: EcsFields = {};
        const result = write(body, fields);
        return result === true ? fields : result;
      },
      writeBody(body, event) {
        const outerTimestamp = event['@timestamp'];
        const result = write(body, event as EcsFields);
        if (result === true) finishWrittenEvent(event, outerTimestamp, dataset);
        return result;
      },
    };
  }
  const parseBody = bodyParser.compile(resolved, context);
  return {
    dataset,
    parseBody,
    writeBody(body, event) {
      const fields = parseBody(body);
      if (fields === undefined || isParseError(fields)) return fields;
      applyBodyFields(event, fields, dataset);
      return true;
    },
  };
}

const NO_OPTIONS = Type.Object({}, { additionalProperties: false });

/**
 * The event of a line that is nothing but the body format, with the sender as
 * the outer fields. `@timestamp` is left empty, to be filled by the body's own
 * time or else the receive time, so the receive time is only formatted when needed.
 */
function standaloneEvent(line: string, record: RawRecord, dataset: string, context: ParserContext): EcsEvent {
  const event: EcsEvent = {
    '@timestamp': '',
    message: line,
    event: eventFields(line, dataset, context),
  };
  const sourceAddress = record.sourceAddress;
  if (sourceAddress !== undefined) {
    event.log = { source: { address: sourceAddress } };
    event.host = { name: sourceAddress };
  }
  return event;
}

/** Makes a parser type out of a body format, for inputs that carry only that format. */
export function defineBodyFormat<Options>(bodyParser: BodyParser<Options>): ParserDefinition {
  const definition: ParserDefinition = {
    type: bodyParser.dataset,
    description: bodyParser.description,
    create(config?: Partial<ParserConfig>): Parser {
      const context = createParserContext(config);
      const compiled = compileBodyParser(bodyParser, context, context.config.options);
      return {
        type: bodyParser.dataset,
        parse(record: RawRecord): ParseResult {
          const line = decodePayload(record, context, bodyParser.dataset);
          if (typeof line !== 'string') return { ok: false, error: line };
          const event = standaloneEvent(line, record, bodyParser.dataset, context);
          const result = compiled.writeBody(line, event);
          if (result === undefined) {
            return {
              ok: false,
              error: parseError(
                'SIEM_PARSE_NO_MATCH',
                bodyParser.dataset,
                `The line is not in the ${bodyParser.dataset} format; check which parser this input is configured with, or use "auto".`,
              ),
            };
          }
          if (result !== true) return { ok: false, error: result };
          if (event['@timestamp'] === '') event['@timestamp'] = context.receiptTimestamp(record);
          return { ok: true, event };
        },
      };
    },
  };
  return bodyParser.optionsSchema === undefined ? definition : { ...definition, optionsSchema: bodyParser.optionsSchema };
}
