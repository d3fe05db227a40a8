/**
 * The CEF extension: `key=value` pairs separated by spaces, where a value may
 * itself contain spaces and runs until the next ` key=`; `\=`, `\\`, `\n` and
 * `\r` are escapes. One forward pass: at each unescaped `=` the key is the run
 * of key characters just before it, and it only starts a new pair when a space
 * (or the start) precedes that run, so `url=http://a/?b=c` keeps its `=`.
 * Each character is looked at a bounded number of times, so hostile lines
 * cost linear time.
 */
import type { ScannedPairs } from './extension-mapping';
import { isForbiddenKey } from './keys';

/** Key characters: ASCII letters and digits, `_ . - [ ]` (vendor keys such as `ad.loginName`), and any non-ASCII letter. */
function isKeyChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
    code === 0x5f || code === 0x2e || code === 0x2d || code === 0x5b || code === 0x5d || code >= 0x80
  );
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function unescapeValue(text: string): string {
  let result = '';
  let copied = 0;
  for (let index = 0; index < text.length - 1; index++) {
    if (text.charCodeAt(index) !== 0x5c) continue;
    const next = text.charCodeAt(index + 1);
    let replacement: string | undefined;
    if (next === 0x3d || next === 0x5c) replacement = text[index + 1];
    else if (next === 0x6e) replacement = '\n';
    else if (next === 0x72) replacement = '\r';
    // Unknown escapes stay as written: they are more often a Windows path than a mistake.
    if (replacement === undefined) continue;
    result += text.slice(copied, index) + replacement;
    copied = index + 2;
    index++;
  }
  return result + text.slice(copied);
}

function valueOf(text: string, start: number, end: number, escaped: boolean): string {
  let from = start;
  let to = end;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  const raw = text.slice(from, to);
  return escaped ? unescapeValue(raw) : raw;
}

/**
 * Adds the pairs of the extension `text[start..]` to `into`, in order;
 * prototype-reaching keys are dropped, and text before the first key is
 * ignored (the line stays in `event.original`).
 * The scan jumps between `=` and `\\` with indexOf rather than looking at
 * every character: values are most of the line.
 */
export function scanCefExtension(text: string, start: number, into: ScannedPairs): void {
  let key: string | undefined;
  let valueStart = start;
  let escaped = false;
  into.clear();
  const length = text.length;
  let index = start;
  let backslash = text.indexOf('\\', start);
  let equals = text.indexOf('=', start);
  while (equals >= 0) {
    if (backslash >= 0 && backslash < equals) {
      // A backslash escapes the character after it, which may be this `=`.
      escaped = true;
      index = backslash + 2;
      backslash = text.indexOf('\\', index);
      if (equals < index) equals = text.indexOf('=', index);
      continue;
    }
    index = equals + 1;
    let keyStart = equals;
    while (keyStart > valueStart && isKeyChar(text.charCodeAt(keyStart - 1))) keyStart--;
    if (keyStart < equals && (keyStart === start || isBlank(text.charCodeAt(keyStart - 1)))) {
      if (key !== undefined && !isForbiddenKey(key)) into.add(key, valueOf(text, valueStart, keyStart, escaped));
      key = text.slice(keyStart, equals);
      valueStart = index;
      escaped = false;
    }
    equals = text.indexOf('=', index);
  }
  if (backslash >= 0) escaped = true;
  if (key !== undefined && !isForbiddenKey(key)) into.add(key, valueOf(text, valueStart, length, escaped));
}
