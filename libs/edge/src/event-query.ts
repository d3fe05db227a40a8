/**
 * Evaluates the product's query language (libs/query) on one record at the
 * edge, where there is no store to compile to: the same `field:value`,
 * wildcards, ranges, `field:*` (exists) and boolean operators, so a drop rule is
 * written as a search is. Free text searches the raw line (case-insensitive),
 * as the edge has the line before any parser chose a `message`.
 */
import { fieldType, parseQuery, type QueryNode } from '@siem/query';

/** The values of a field on the record being tested (none when absent). */
export type FieldLookup = (field: string) => readonly unknown[];

export interface RecordView {
  /** The raw line, decoded. */
  readonly raw: string;
  lookup: FieldLookup;
}

export type EventPredicate = (record: RecordView) => boolean;

/** Compiles once; throws the QueryError of a malformed query. */
export function compileEventQuery(text: string): EventPredicate {
  return compileNode(parseQuery(text).root);
}

/** The fields a query reads, so a caller parses the line only when a parsed field is needed. */
export function queryFields(text: string): string[] {
  const fields = new Set<string>();
  const walk = (node: QueryNode): void => {
    if (node.kind === 'and' || node.kind === 'or') node.children.forEach(walk);
    else if (node.kind === 'not') walk(node.child);
    else if (node.kind !== 'all' && node.field !== undefined) fields.add(node.field);
  };
  walk(parseQuery(text).root);
  return [...fields];
}

function compileNode(node: QueryNode): EventPredicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const children = node.children.map(compileNode);
      return (record) => children.every((child) => child(record));
    }
    case 'or': {
      const children = node.children.map(compileNode);
      return (record) => children.some((child) => child(record));
    }
    case 'not': {
      const child = compileNode(node.child);
      return (record) => !child(record);
    }
    case 'exists': {
      const { field } = node;
      return (record) => record.lookup(field).length > 0;
    }
    case 'term':
      return compileTerm(node.field, node.value);
    case 'wildcard':
      return compileWildcard(node.field, node.pattern);
    case 'range':
      return compileRange(node.field, node.lower, node.upper);
  }
}

const lower = (value: unknown) => String(value).toLowerCase();

function compileTerm(field: string | undefined, value: string): EventPredicate {
  if (field === undefined) {
    const needle = value.toLowerCase();
    return (record) => record.raw.toLowerCase().includes(needle);
  }
  if (fieldType(field) === 'text') {
    const needle = value.toLowerCase();
    return (record) => record.lookup(field).some((candidate) => lower(candidate).includes(needle));
  }
  const number = Number(value);
  const numeric = value.trim() !== '' && Number.isFinite(number);
  return (record) => record.lookup(field).some((candidate) => String(candidate) === value || (numeric && typeof candidate === 'number' && candidate === number));
}

/** Lucene wildcards to an anchored regular expression: `*` any run, `?` one character, `\` escapes. */
export function wildcardRegExp(pattern: string, flags = ''): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, flags);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function compileWildcard(field: string | undefined, pattern: string): EventPredicate {
  if (field === undefined) {
    const regex = wildcardRegExp(`*${pattern}*`, 'i');
    return (record) => regex.test(record.raw);
  }
  const regex = wildcardRegExp(pattern, fieldType(field) === 'text' ? 'i' : '');
  return (record) => record.lookup(field).some((candidate) => regex.test(String(candidate)));
}

function compileRange(field: string, lowerBound?: { value: string; inclusive: boolean }, upperBound?: { value: string; inclusive: boolean }): EventPredicate {
  const compare = (candidate: unknown, bound: string): number => {
    const a = typeof candidate === 'number' ? candidate : Number(candidate);
    const b = Number(bound);
    if (Number.isFinite(a) && Number.isFinite(b) && String(candidate).trim() !== '' && bound.trim() !== '') return a - b;
    return String(candidate) < bound ? -1 : String(candidate) > bound ? 1 : 0;
  };
  return (record) =>
    record.lookup(field).some((candidate) => {
      if (lowerBound && !(lowerBound.inclusive ? compare(candidate, lowerBound.value) >= 0 : compare(candidate, lowerBound.value) > 0)) return false;
      if (upperBound && !(upperBound.inclusive ? compare(candidate, upperBound.value) <= 0 : compare(candidate, upperBound.value) < 0)) return false;
      return true;
    });
}
