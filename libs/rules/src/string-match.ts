/**
 * String tests compiled from Sigma values. Wildcard values never become
 * regular expressions: each is a chain of literal segments found left to
 * right, which costs linear time in the length of the field and cannot
 * backtrack.
 */
import { ANY, ONE, type Part, type SigmaString } from './sigma-string';

export interface StringTest {
  (value: string): boolean;
}

/** The common shapes, which lists of values combine into one lookup (a set, a scanner). */
export type StringShape = { readonly kind: 'equals' | 'contains' | 'startswith' | 'endswith'; readonly text: string };

/** A compiled value: its test, its shape when it has a common one, and the longest literal every matching value contains (for the pre-filter). */
export interface CompiledString {
  readonly test: StringTest;
  readonly shape: StringShape | undefined;
  readonly literal: string;
}

/** A segment between two `*`: characters, where `?` positions (in `any`) match any one character. */
interface Segment {
  readonly text: string;
  readonly any: readonly boolean[] | undefined;
}

function segmentAt(value: string, at: number, segment: Segment): boolean {
  const { text, any } = segment;
  if (any === undefined) return value.startsWith(text, at);
  if (at + text.length > value.length) return false;
  for (let index = 0; index < text.length; index++) {
    if (!any[index] && value.charCodeAt(at + index) !== text.charCodeAt(index)) return false;
  }
  return true;
}

function findSegment(value: string, from: number, segment: Segment): number {
  if (segment.any === undefined) return value.indexOf(segment.text, from);
  for (let at = from; at + segment.text.length <= value.length; at++) if (segmentAt(value, at, segment)) return at;
  return -1;
}

function lowerParts(parts: readonly Part[], cased: boolean): Part[] {
  return cased ? [...parts] : parts.map((part) => (typeof part === 'string' ? part.toLowerCase() : part));
}

/** Compiles a value; without `cased` its literals are lower-cased and the test expects a lower-cased value. */
export function compileString(value: SigmaString, cased: boolean): CompiledString {
  // n wildcards `*` cut the value into n + 1 segments: the first is anchored at the start, the last at the end.
  const segments: Segment[] = [];
  let text = '';
  let any: boolean[] | undefined;
  let literal = '';
  let run = '';
  const closeRun = (): void => {
    if (run.length > literal.length) literal = run;
    run = '';
  };
  for (const part of lowerParts(value.parts, cased)) {
    if (part === ANY) {
      segments.push({ text, any });
      text = '';
      any = undefined;
      closeRun();
    } else if (part === ONE) {
      any ??= Array.from(text, () => false);
      any.push(true);
      text += '?';
      closeRun();
    } else {
      if (any !== undefined) for (let k = 0; k < part.length; k++) any.push(false);
      text += part;
      run += part;
    }
  }
  segments.push({ text, any });
  closeRun();
  return { ...segmentTest(segments), literal };
}

function isEmpty(segment: Segment): boolean {
  return segment.text === '';
}

function segmentTest(segments: readonly Segment[]): { test: StringTest; shape: StringShape | undefined } {
  const first = segments[0] as Segment;
  const last = segments[segments.length - 1] as Segment;
  if (segments.length === 1) {
    if (first.any === undefined) {
      const exact = first.text;
      return { test: (v) => v === exact, shape: { kind: 'equals', text: exact } };
    }
    return { test: (v) => v.length === first.text.length && segmentAt(v, 0, first), shape: undefined };
  }
  const middle = segments.slice(1, -1).filter((segment) => !isEmpty(segment));
  const plain = first.any === undefined && last.any === undefined && middle.every((segment) => segment.any === undefined);
  if (plain && middle.length === 0) {
    const prefix = first.text;
    const suffix = last.text;
    if (suffix === '') return prefix === '' ? { test: () => true, shape: undefined } : { test: (v) => v.startsWith(prefix), shape: { kind: 'startswith', text: prefix } };
    if (prefix === '') return { test: (v) => v.endsWith(suffix), shape: { kind: 'endswith', text: suffix } };
    return { test: (v) => v.length >= prefix.length + suffix.length && v.startsWith(prefix) && v.endsWith(suffix), shape: undefined };
  }
  if (plain && middle.length === 1 && isEmpty(first) && isEmpty(last)) {
    const inner = (middle[0] as Segment).text;
    return { test: (v) => v.includes(inner), shape: { kind: 'contains', text: inner } };
  }
  const test: StringTest = (value) => {
    if (!segmentAt(value, 0, first)) return false;
    const limit = value.length - last.text.length;
    let at = first.text.length;
    if (limit < at || !segmentAt(value, limit, last)) return false;
    for (const segment of middle) {
      const found = findSegment(value, at, segment);
      if (found < 0 || found + segment.text.length > limit) return false;
      at = found + segment.text.length;
    }
    return true;
  };
  return { test, shape: undefined };
}
