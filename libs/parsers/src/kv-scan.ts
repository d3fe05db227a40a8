/**
 * Generic `key=value` scanning with a configurable pair separator and
 * assignment string. Values may be quoted with `"` or `'`, where a backslash
 * escapes the quote, a backslash, or writes \n \r \t. One forward pass, so a
 * hostile line costs linear time.
 */

export interface KvSyntax {
  /** Pair separator; undefined means any run of spaces and tabs. */
  readonly separator: string | undefined;
  readonly assignment: string;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function separatorLength(text: string, index: number, syntax: KvSyntax): number {
  const separator = syntax.separator;
  if (separator === undefined) return isBlank(text.charCodeAt(index)) ? 1 : 0;
  return text.charCodeAt(index) === separator.charCodeAt(0) && text.startsWith(separator, index) ? separator.length : 0;
}

function escapedCharacter(code: number, quote: number): string | undefined {
  if (code === quote || code === 0x5c) return String.fromCharCode(code);
  if (code === 0x6e) return '\n';
  if (code === 0x72) return '\r';
  if (code === 0x74) return '\t';
  return undefined;
}

// Scratch output of readQuoted; scanning is synchronous, so one per module is safe.
const quoted = { value: '', end: 0 };

/**
 * Reads the quoted text opening at `start`. Without its closing quote, the
 * value is the rest of the line: nothing is lost, and the line stays in
 * `event.original` for a human to judge.
 */
function readQuoted(text: string, start: number): void {
  const quote = text.charCodeAt(start);
  let value = '';
  let copied = start + 1;
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      quoted.value = value + text.slice(copied, index);
      quoted.end = index + 1;
      return;
    }
    if (code !== 0x5c || index + 1 >= text.length) continue;
    const replacement = escapedCharacter(text.charCodeAt(index + 1), quote);
    if (replacement === undefined) continue;
    value += text.slice(copied, index) + replacement;
    copied = index + 2;
    index++;
  }
  quoted.value = value + text.slice(copied);
  quoted.end = text.length;
}

function trimmed(text: string, start: number, end: number, trim: boolean): string {
  if (!trim) return text.slice(start, end);
  let from = start;
  let to = end;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

/**
 * Calls `onPair` for each pair of `text`, in order. Text between separators
 * that holds no assignment is skipped, as is a pair with an empty key.
 */
export function scanKeyValues(text: string, syntax: KvSyntax, onPair: (key: string, value: string) => void): void {
  const { assignment } = syntax;
  const assignmentCode = assignment.charCodeAt(0);
  // With an explicit separator, blanks around keys and unquoted values are padding, not content.
  const trim = syntax.separator !== undefined;
  const length = text.length;
  let index = 0;
  while (index < length) {
    const skip = separatorLength(text, index, syntax);
    if (skip > 0) {
      index += skip;
      continue;
    }
    const keyStart = index;
    while (index < length && separatorLength(text, index, syntax) === 0) {
      if (text.charCodeAt(index) === assignmentCode && text.startsWith(assignment, index)) break;
      index++;
    }
    if (index >= length || separatorLength(text, index, syntax) > 0) continue;
    const key = trimmed(text, keyStart, index, trim);
    index += assignment.length;
    let valueStart = index;
    if (trim) while (valueStart < length && isBlank(text.charCodeAt(valueStart))) valueStart++;
    const first = text.charCodeAt(valueStart);
    let value = '';
    if (first === 0x22 || first === 0x27) {
      readQuoted(text, valueStart);
      value = quoted.value;
      index = quoted.end;
    } else {
      index = valueStart;
    }
    const rawStart = index;
    while (index < length && separatorLength(text, index, syntax) === 0) index++;
    if (index > rawStart) value += trimmed(text, rawStart, index, trim);
    if (key.length > 0) onPair(key, value);
  }
}

function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/**
 * Reads the value starting at `index` (just after `=`) up to the next blank
 * or the end, into `quoted`: a quoted part first, then any unquoted rest.
 */
function readBlankDelimitedValue(text: string, index: number): void {
  const length = text.length;
  let value = '';
  const first = text.charCodeAt(index);
  if (first === 0x22 || first === 0x27) {
    readQuoted(text, index);
    value = quoted.value;
    index = quoted.end;
  }
  const rawStart = index;
  let code = text.charCodeAt(index);
  while (code !== 0x20 && code !== 0x09 && index < length) code = text.charCodeAt(++index);
  quoted.value = index > rawStart ? value + text.slice(rawStart, index) : value;
  quoted.end = index;
}

/**
 * The pairs of a `key=value` line whose pairs are separated by runs of spaces
 * and tabs (FortiGate, Sophos, SonicWall, kernel audit records), as
 * scanKeyValues with that syntax reads them, into one object; keys that reach
 * a prototype are skipped. Written apart from scanKeyValues because these
 * lines are long and frequent: no callback and no separator test per character.
 */
export function readBlankSeparatedPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const length = text.length;
  let index = 0;
  while (index < length) {
    let code = text.charCodeAt(index);
    if (code === 0x20 || code === 0x09) {
      index++;
      continue;
    }
    const keyStart = index;
    while (code !== 0x3d && code !== 0x20 && code !== 0x09 && index < length) code = text.charCodeAt(++index);
    // A word without `=` is skipped, as by scanKeyValues.
    if (code !== 0x3d || index >= length) continue;
    const key = text.slice(keyStart, index);
    readBlankDelimitedValue(text, index + 1);
    index = quoted.end;
    if (key.length > 0 && !isForbiddenKey(key)) pairs[key] = quoted.value;
  }
  return pairs;
}

/** Lines with more pairs than this are read without remembering their keys, so a hostile line holds no memory. */
const MAX_REMEMBERED_KEYS = 256;

/**
 * A reader of blank-separated pairs that gives what readBlankSeparatedPairs
 * gives, for the lines of one parser, which mostly repeat the same keys in the
 * same order (a FortiGate traffic log has about 40). It remembers the last
 * line's keys: a key that matches is compared, not sliced. Once a line repeats
 * the previous line's keys, its object is a copy of a template of those keys
 * with the values written in: an object filled key by key past a dozen keys
 * becomes a slow dictionary in V8, and building it took a third of a
 * FortiGate parse. Each parser creates its own reader, so that one format's
 * lines do not evict another's keys.
 */
export function createBlankSeparatedPairsReader(): (text: string) => Record<string, string> {
  const keys: string[] = [];
  const values: string[] = [];
  // keys[0..rememberedCount) are the previous line's keys; template, when set, holds exactly those keys.
  let rememberedCount = 0;
  let template: Record<string, string> | undefined;

  function buildTemplate(count: number): Record<string, string> {
    const shape: Record<string, string> = {};
    for (let index = 0; index < count; index++) shape[keys[index] ?? ''] = '';
    // JSON.parse builds objects with fast properties, and its keys are internalized: later lines compare and store with those.
    const built = JSON.parse(JSON.stringify(shape)) as Record<string, string>;
    const internalized = new Map<string, string>();
    for (const key of Object.keys(built)) internalized.set(key, key);
    for (let index = 0; index < count; index++) keys[index] = internalized.get(keys[index] ?? '') ?? '';
    return built;
  }

  return (text) => {
    const length = text.length;
    let count = 0;
    let matching = true;
    let index = 0;
    while (index < length) {
      let code = text.charCodeAt(index);
      if (code === 0x20 || code === 0x09) {
        index++;
        continue;
      }
      const keyStart = index;
      let key = matching && count < rememberedCount ? keys[count] : undefined;
      if (key !== undefined && text.charCodeAt(keyStart + key.length) === 0x3d && text.startsWith(key, keyStart)) {
        index = keyStart + key.length;
      } else {
        matching = false;
        while (code !== 0x3d && code !== 0x20 && code !== 0x09 && index < length) code = text.charCodeAt(++index);
        // A word without `=` is skipped, as by scanKeyValues.
        if (code !== 0x3d || index >= length) continue;
        key = text.slice(keyStart, index);
      }
      readBlankDelimitedValue(text, index + 1);
      index = quoted.end;
      if (key.length === 0 || isForbiddenKey(key)) continue;
      keys[count] = key;
      values[count] = quoted.value;
      count++;
    }
    let pairs: Record<string, string>;
    if (matching && count === rememberedCount) {
      template ??= buildTemplate(count);
      pairs = { ...template };
    } else {
      pairs = {};
      template = undefined;
    }
    for (let position = 0; position < count; position++) pairs[keys[position] ?? ''] = values[position] ?? '';
    rememberedCount = count <= MAX_REMEMBERED_KEYS ? count : 0;
    if (count > MAX_REMEMBERED_KEYS) {
      keys.length = 0;
      values.length = 0;
    }
    return pairs;
  };
}
