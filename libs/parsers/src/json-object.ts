/**
 * What the JSON-shaped formats (json, windows, cloudtrail) share: one
 * JSON.parse per line into a safe copy (dotted keys expanded, prototype keys
 * dropped, nesting bounded), and the finishing of the event (time, message,
 * pipeline fields, sender).
 */
import type { EcsEvent, RawRecord } from '@siem/schema';
import { eventFields, receiptMillis, type ParserContext } from './context';
import { parseError, type ParseError } from './errors';
import { isForbiddenKey } from './keys';
import { formatIsoTimestamp, isValidTimeValue, parseIsoTimestamp } from './time';

/** Deepest nesting accepted, counting the top-level object as 1. */
export const MAX_JSON_DEPTH = 32;

export type JsonObject = Record<string, unknown>;

const TOO_DEEP: unique symbol = Symbol('too deep');

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export type DecodedJson = { ok: true; value: JsonObject } | { ok: false; error: ParseError };

/** Parses a line that must hold one JSON object; `parser` names the type in errors. */
export function decodeJsonObject(line: string, parser: string): DecodedJson {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'syntax error';
    return failed(parseError('SIEM_PARSE_INVALID_JSON', parser, `The line is not valid JSON (${reason}); send exactly one JSON object per line.`));
  }
  if (!isJsonObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return failed(
      parseError(
        'SIEM_PARSE_NOT_AN_OBJECT',
        parser,
        `The line is valid JSON but ${kind}, not an object; send one object per line, such as {"message": "..."}.`,
      ),
    );
  }
  // Most lines need no key dropped or expanded; checking that is much cheaper than rebuilding every object.
  const copy = isCopyExact(value, 1) ? value : copyObject(value, 1);
  if (copy === TOO_DEEP) {
    return failed(
      parseError('SIEM_PARSE_TOO_DEEP', parser, `The JSON object is nested more than ${MAX_JSON_DEPTH} levels deep; flatten the event at the sender.`),
    );
  }
  return { ok: true, value: copy };
}

function failed(error: ParseError): DecodedJson {
  return { ok: false, error };
}

/**
 * Turns mapped fields into the event: `@timestamp` normalized (else the
 * receive time), a non-string message stringified, the pipeline's own
 * `event` fields set over any the line gave, and the sender recorded.
 */
export function finishJsonEvent(fields: JsonObject, line: string, record: RawRecord, context: ParserContext, dataset: string): EcsEvent {
  const given = fields['@timestamp'];
  let timestamp = Number.NaN;
  if (typeof given === 'string') timestamp = parseIsoTimestamp(given, 0, given.length, 'lenient', context.zone);
  else if (typeof given === 'number' && isValidTimeValue(given)) timestamp = given;
  if (Number.isNaN(timestamp)) timestamp = receiptMillis(record, context);
  fields['@timestamp'] = formatIsoTimestamp(timestamp);

  // Fluent Bit and Docker's json-file driver put the line text in a string `log`, which
  // ECS reserves for an object: it becomes the message (the whole line stays in event.original).
  if (typeof fields.log === 'string') {
    if (fields.message === undefined) fields.message = fields.log.replace(/\r?\n$/, '');
    delete fields.log;
  }
  const message = fields.message;
  if (message === null) delete fields.message;
  else if (message !== undefined && typeof message !== 'string') fields.message = JSON.stringify(message);

  const event = isJsonObject(fields.event) ? fields.event : {};
  delete event.original;
  fields.event = Object.assign(event, eventFields(line, dataset, context));

  const sourceAddress = record.sourceAddress;
  if (sourceAddress !== undefined) {
    const log = isJsonObject(fields.log) ? fields.log : (fields.log = {});
    const source = isJsonObject(log.source) ? log.source : (log.source = {});
    // Only here: a shipper or a proxy can be the sender, so its address says nothing about the event's host.
    source.address = sourceAddress;
  }
  return fields as EcsEvent;
}

/**
 * Copies a parsed value; `depth` is the nesting level the value sits at.
 * Recursion is safe because it stops at MAX_JSON_DEPTH.
 */
function copyValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_JSON_DEPTH) return TOO_DEEP;
  if (!Array.isArray(value)) return copyObject(value as JsonObject, depth);
  const copy: unknown[] = new Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const item = copyValue(value[index], depth + 1);
    if (item === TOO_DEEP) return TOO_DEEP;
    copy[index] = item;
  }
  return copy;
}

/**
 * True when copyObject would return an equal object (same keys in the same
 * order, same values): no forbidden or dotted key, no nesting too deep.
 * for-in also visits inherited keys, which can only make the answer false.
 */
function isCopyExact(source: JsonObject, depth: number): boolean {
  for (const key in source) {
    if (isForbiddenKey(key) || key.includes('.') || !isValueCopyExact(source[key], depth + 1)) return false;
  }
  return true;
}

function isValueCopyExact(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_JSON_DEPTH) return false;
  if (!Array.isArray(value)) return isCopyExact(value as JsonObject, depth);
  for (let index = 0; index < value.length; index++) if (!isValueCopyExact(value[index], depth + 1)) return false;
  return true;
}

function copyObject(source: JsonObject, depth: number): JsonObject | typeof TOO_DEEP {
  const target: JsonObject = {};
  for (const key of Object.keys(source)) {
    if (isForbiddenKey(key)) continue;
    const path = key.includes('.') ? key.split('.') : undefined;
    if (path === undefined || !isExpandable(path)) {
      const copy = copyValue(source[key], depth + 1);
      if (copy === TOO_DEEP) return TOO_DEEP;
      assignMerged(target, key, copy);
      continue;
    }
    if (path.some(isForbiddenKey)) continue;
    if (depth + path.length - 1 > MAX_JSON_DEPTH) return TOO_DEEP;
    const copy = copyValue(source[key], depth + path.length);
    if (copy === TOO_DEEP) return TOO_DEEP;
    const parent = descend(target, path);
    if (parent === undefined) assignMerged(target, key, copy);
    else assignMerged(parent, path[path.length - 1] ?? key, copy);
  }
  return target;
}

/** "a..b", ".a" and "a." are kept as literal keys. */
function isExpandable(path: readonly string[]): boolean {
  for (const segment of path) if (segment.length === 0) return false;
  return true;
}

/**
 * Walks (creating as needed) the objects for all but the last path segment.
 * Returns undefined when a segment already holds a non-object; the dotted key
 * is then kept literally rather than overwrite that value.
 */
function descend(target: JsonObject, path: readonly string[]): JsonObject | undefined {
  let parent = target;
  for (let index = 0; index < path.length - 1; index++) {
    const segment = path[index] ?? '';
    const existing = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (existing === undefined) {
      const child: JsonObject = {};
      parent[segment] = child;
      parent = child;
    } else if (isJsonObject(existing)) {
      parent = existing;
    } else {
      return undefined;
    }
  }
  return parent;
}

/** Two objects under one key (from "host" and "host.name") merge; otherwise the later value wins. */
export function assignMerged(target: JsonObject, key: string, value: unknown): void {
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  if (isJsonObject(existing) && isJsonObject(value)) {
    for (const childKey of Object.keys(value)) assignMerged(existing, childKey, value[childKey]);
  } else {
    target[key] = value;
  }
}
