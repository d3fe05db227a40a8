import type { QueryAst, QueryNode, RangeBound, RangeNode } from './ast';
import { DEFAULT_FIELD, fieldType } from './field-types';
import { literalPrefix } from './wildcard';
import { dateSpan, numberOf } from './values';

export interface TimeRange {
  readonly from?: string;
  readonly to?: string;
}

export interface CompileOptions {
  /** The time `now` means in date math, in epoch milliseconds; default the time of the call. */
  readonly now?: number;
  /** Conditions that only select, such as the caller's tenant: in the bool filter clause, beside the time range, where OpenSearch neither scores nor recomputes them (its query cache keeps them). */
  readonly filters?: readonly QueryNode[];
}

type Dsl = Record<string, unknown>;

/** Dates travel as epoch milliseconds, which every date field reads whatever its format. */
const EPOCH_MILLIS = 'epoch_millis';

function dateBounds(node: RangeNode, now: number): Dsl {
  const bounds: Dsl = { format: EPOCH_MILLIS };
  const span = (bound: RangeBound) => dateSpan(bound.value, now)!;
  if (node.lower) {
    if (node.lower.inclusive) bounds.gte = span(node.lower)[0];
    else bounds.gt = span(node.lower)[1];
  }
  if (node.upper) {
    if (node.upper.inclusive) bounds.lte = span(node.upper)[1];
    else bounds.lt = span(node.upper)[0];
  }
  return bounds;
}

function plainBounds(node: RangeNode, convert: (value: string) => unknown): Dsl {
  const bounds: Dsl = {};
  if (node.lower) bounds[node.lower.inclusive ? 'gte' : 'gt'] = convert(node.lower.value);
  if (node.upper) bounds[node.upper.inclusive ? 'lte' : 'lt'] = convert(node.upper.value);
  return bounds;
}

function leafToDsl(node: QueryNode & { kind: 'term' | 'wildcard' | 'exists' | 'range' }, now: number): Dsl {
  const field = node.field ?? DEFAULT_FIELD;
  const type = fieldType(field);
  switch (node.kind) {
    case 'exists':
      return { exists: { field } };
    case 'wildcard':
      // The parser lets a wildcard into text only at the end of one word: every indexed word with that start.
      if (type === 'text') return { prefix: { [field]: { value: literalPrefix(node.pattern).toLowerCase() } } };
      return { wildcard: { [field]: { value: node.pattern } } };
    case 'term':
      if (type === 'text') return node.phrase ? { match_phrase: { [field]: node.value } } : { match: { [field]: { query: node.value, operator: 'and' } } };
      if (type === 'number') return { term: { [field]: numberOf(node.value) } };
      if (type === 'date') {
        const [start, end] = dateSpan(node.value, now)!;
        return { range: { [field]: { gte: start, lte: end, format: EPOCH_MILLIS } } };
      }
      // An ip field takes a CIDR block in a term query too.
      return { term: { [field]: node.value } };
    case 'range':
      if (type === 'date') return { range: { [field]: dateBounds(node, now) } };
      return { range: { [field]: plainBounds(node, type === 'number' ? (value) => numberOf(value) : (value) => value) } };
  }
}

function nodeToDsl(node: QueryNode, now: number): Dsl {
  switch (node.kind) {
    case 'all':
      return { match_all: {} };
    case 'not':
      return { bool: { must_not: [nodeToDsl(node.child, now)] } };
    case 'or':
      return { bool: { should: node.children.map((child) => nodeToDsl(child, now)), minimum_should_match: 1 } };
    case 'and': {
      const must = node.children.filter((child) => child.kind !== 'not').map((child) => nodeToDsl(child, now));
      const mustNot = node.children.flatMap((child) => (child.kind === 'not' ? [nodeToDsl(child.child, now)] : []));
      return { bool: { ...(must.length ? { must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) } };
    }
    default:
      return leafToDsl(node, now);
  }
}

/**
 * Compiles a parsed query and a time range into an OpenSearch query. Every value goes
 * into a term-level or match query of a field the parser checked: user input never
 * becomes DSL, a script or a query string OpenSearch would parse again.
 */
export function toOpenSearchQuery(ast: QueryAst, range: TimeRange = {}, options: CompileOptions = {}): Dsl {
  const filter: Dsl[] = [];
  if (range.from || range.to) {
    const bounds: Record<string, string> = {};
    if (range.from) bounds.gte = range.from;
    if (range.to) bounds.lte = range.to;
    filter.push({ range: { '@timestamp': bounds } });
  }
  const now = options.now ?? Date.now();
  for (const node of options.filters ?? []) filter.push(nodeToDsl(node, now));
  return { bool: { must: [nodeToDsl(ast.root, now)], filter } };
}
