import type { QueryAst, QueryClause } from './ast';

/** Fields analysed as text in the store; every other string field is an exact keyword. */
const TEXT_FIELDS = new Set(['message']);

export interface TimeRange {
  readonly from?: string;
  readonly to?: string;
}

type Dsl = Record<string, unknown>;

function clauseToDsl(clause: QueryClause): Dsl {
  const field = clause.field ?? 'message';
  if (TEXT_FIELDS.has(field)) {
    return clause.phrase ? { match_phrase: { [field]: clause.value } } : { match: { [field]: { query: clause.value, operator: 'and' } } };
  }
  if (clause.value === '*') return { exists: { field } };
  if (!clause.phrase && /[*?]/.test(clause.value)) {
    return { wildcard: { [field]: { value: clause.value, case_insensitive: false } } };
  }
  return { term: { [field]: clause.value } };
}

/** Compiles a parsed query and a time range into an OpenSearch bool query; user input never reaches the DSL unparsed. */
export function toOpenSearchQuery(ast: QueryAst, range: TimeRange = {}): Dsl {
  const must: Dsl[] = [];
  const mustNot: Dsl[] = [];
  for (const clause of ast.clauses) (clause.negated ? mustNot : must).push(clauseToDsl(clause));
  const filter: Dsl[] = [];
  if (range.from || range.to) {
    const bounds: Record<string, string> = {};
    if (range.from) bounds.gte = range.from;
    if (range.to) bounds.lte = range.to;
    filter.push({ range: { '@timestamp': bounds } });
  }
  return { bool: { must: must.length ? must : [{ match_all: {} }], must_not: mustNot, filter } };
}
