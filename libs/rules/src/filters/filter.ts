/**
 * Sigma filter rules: local tuning kept apart from vendor rules, so updating
 * the corpus keeps it. As pySigma applies them, a filter adds its search
 * identifiers to each rule it targets and that rule's condition becomes
 * `(rule condition) and (filter condition)`; filters are written
 * `condition: not selection`. `rules: any` (or `all`, or an empty list)
 * targets every rule of the filter's log source. The result is an ordinary
 * rule, so the matcher needs nothing new.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RuleValidationError, pointerOf, type RuleIssue } from '../errors';
import { LogSourceSchema, RULE_STATUSES, SelectionSchema, type Rule } from '../schema';
import { validateRule, type CompileOptions } from '../validate';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const FilterSchema = Type.Object(
  {
    rules: Type.Union([Type.Literal('any'), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
      description: '"any" for every rule of the log source, or the ids or names of the rules it tunes.',
    }),
    condition: Type.String({ minLength: 1, description: 'Boolean expression over the filter\'s search identifiers, usually "not selection".' }),
  },
  { additionalProperties: SelectionSchema, description: 'rules, condition, and the search identifiers the condition names.' },
);

export const FilterRuleSchema = Type.Object(
  {
    id: Type.String({ pattern: UUID }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    name: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]+$' })),
    description: Type.Optional(Type.String({ maxLength: 65_536 })),
    status: Type.Optional(Type.Union(RULE_STATUSES.map((status) => Type.Literal(status)))),
    author: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    modified: Type.Optional(Type.String()),
    logsource: LogSourceSchema,
    filter: FilterSchema,
    enabled: Type.Boolean({ default: true }),
    custom: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, $id: 'https://siem.local/schemas/filter-rule.json', title: 'Filter rule' },
);

export type FilterRule = Static<typeof FilterRuleSchema>;

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'all', 'any', 'them']);

function normalise(candidate: unknown): unknown {
  if (typeof candidate !== 'object' || candidate === null) return candidate;
  const filter = (candidate as Record<string, unknown>).filter;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) return candidate;
  const fields = filter as Record<string, unknown>;
  if (typeof fields.rules === 'string') fields.rules = ['any', 'all'].includes(fields.rules.toLowerCase()) ? 'any' : [fields.rules];
  else if (Array.isArray(fields.rules) && fields.rules.length === 0) fields.rules = 'any';
  return candidate;
}

/** The filter's identifiers renamed under a prefix of its own, so they never clash with the rule's; `them` means the filter's own. */
function prefixed(filter: FilterRule): { prefix: string; selections: Record<string, unknown>; condition: string } {
  const prefix = `filter_${createHash('sha256').update(filter.id).digest('hex').slice(0, 8)}_`;
  const selections: Record<string, unknown> = {};
  for (const [name, selection] of Object.entries(filter.filter)) {
    if (name !== 'rules' && name !== 'condition') selections[`${prefix}${name}`] = selection;
  }
  const condition = filter.filter.condition.replace(/[A-Za-z0-9_*-]+/g, (word) => {
    const lower = word.toLowerCase();
    if (lower === 'them') return `${prefix}*`;
    if (KEYWORDS.has(lower) || /^\d+$/.test(word)) return word;
    return `${prefix}${word}`;
  });
  return { prefix, selections, condition };
}

/** Whether a filter tunes a rule: its log source contains the rule's (every key the filter sets is equal) and it names the rule or says any. */
export function filterApplies(filter: FilterRule, rule: Rule): boolean {
  if (filter.enabled === false) return false;
  for (const key of ['product', 'category', 'service'] as const) {
    if (filter.logsource[key] !== undefined && filter.logsource[key] !== rule.logsource[key]) return false;
  }
  if (filter.filter.rules === 'any') return true;
  return filter.filter.rules.some((ref) => ref === rule.id || (rule.name !== undefined && ref === rule.name));
}

/**
 * Returns the rule with every filter that applies merged in (a copy; the rule
 * is returned as is when none applies). The ids of the applied filters are
 * listed in `custom.filters`, so an analyst sees why a rule stays quiet.
 */
export function applyFilters(rule: Rule, filters: readonly FilterRule[]): Rule {
  const applying = filters.filter((filter) => filterApplies(filter, rule));
  if (applying.length === 0) return rule;
  const merged = structuredClone(rule);
  const detection = merged.detection as Record<string, unknown> & { condition: string | string[] };
  for (const filter of applying) {
    const { selections, condition } = prefixed(filter);
    Object.assign(detection, selections);
    detection.condition = Array.isArray(detection.condition) ? detection.condition.map((c) => `(${c}) and (${condition})`) : `(${detection.condition}) and (${condition})`;
  }
  merged.custom = { ...merged.custom, filters: applying.map((filter) => filter.id) };
  return merged;
}

/**
 * Checks a filter rule document and returns it with Sigma's shorthands written
 * out (`rules: any`, one rule as a string). Its selections and condition are
 * compiled as a rule of its log source would be, so a filter that validates
 * always merges into a rule that compiles. Throws RuleValidationError.
 */
export function validateFilterRule(input: unknown, options?: CompileOptions): FilterRule {
  const candidate = normalise(Value.Default(FilterRuleSchema, structuredClone(input)));
  const issues: RuleIssue[] = [];
  if (typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)) {
    const allowed = new Set(Object.keys(FilterRuleSchema.properties));
    for (const key of Object.keys(candidate)) {
      if (!allowed.has(key)) issues.push({ code: 'SIEM_RULE_INVALID', pointer: pointerOf(key), message: `unknown key "${key}"; valid keys: ${[...allowed].join(', ')}` });
    }
  }
  const seen = new Set<string>();
  for (const error of Value.Errors(FilterRuleSchema, candidate)) {
    if (seen.has(error.path) || issues.length >= 20) continue;
    seen.add(error.path);
    issues.push({ code: 'SIEM_RULE_INVALID', pointer: error.path, message: error.message });
  }
  if (issues.length > 0) throw new RuleValidationError(issues);
  const filter = candidate as FilterRule;
  const detection = Object.fromEntries(Object.entries(filter.filter).filter(([key]) => key !== 'rules')) as Rule['detection'];
  try {
    validateRule({ id: filter.id, title: filter.title, level: 'informational', logsource: filter.logsource, detection }, options);
  } catch (error) {
    if (!(error instanceof RuleValidationError)) throw error;
    throw new RuleValidationError(error.issues.map((issue) => ({ ...issue, pointer: issue.pointer.replace(/^\/detection/, '/filter') })));
  }
  return filter;
}
