/**
 * Correlation rule validation: the document alone (validateCorrelationRule),
 * then a set of them against the rules they name (resolveCorrelations):
 * every reference found, no cycle, and no chaining on a correlation whose
 * verdict only comes when its window closes. Errors carry the JSON pointer
 * of the bad part, as single-event rule errors do.
 */
import { Value } from '@sinclair/typebox/value';
import { RuleValidationError, pointerOf, type RuleIssue } from '../errors';
import { MAX_RULE_BYTES } from '../validate';
import { CorrelationRuleSchema, type ConditionOperator, type CorrelationRule, type CorrelationType } from './schema';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** The longest window accepted; state lives in memory and a longer window is a scheduled query's job. */
export const MAX_TIMESPAN_MS = 30 * UNIT_MS.d;
const VALUE_TYPES: ReadonlySet<CorrelationType> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const TEMPORAL_TYPES: ReadonlySet<CorrelationType> = new Set(['temporal', 'temporal_ordered']);
const OPERATORS: readonly ConditionOperator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

/** Milliseconds of a Sigma timespan (`90m`). */
export function timespanMs(timespan: string): number {
  const unit = timespan.at(-1) as keyof typeof UNIT_MS;
  return Number(timespan.slice(0, -1)) * UNIT_MS[unit];
}

/** The comparisons of a condition, e.g. [['gt', 100], ['lte', 200]]. */
export function conditionBounds(rule: CorrelationRule): Array<[ConditionOperator, number]> {
  const condition = rule.correlation.condition ?? {};
  return OPERATORS.filter((op) => condition[op] !== undefined).map((op) => [op, condition[op] as number]);
}

/**
 * Whether the condition can be decided as soon as an event arrives (only gt
 * and gte: more events never undo them) or only once the window is complete
 * (lt, lte, eq, neq: a later event in the window may still change the verdict).
 */
export function decidedOnArrival(rule: CorrelationRule): boolean {
  return conditionBounds(rule).every(([op]) => op === 'gt' || op === 'gte');
}

/** Sigma writes a single rule or group-by field as a string; the document keeps lists. */
function normalise(candidate: unknown): unknown {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return candidate;
  const correlation = (candidate as Record<string, unknown>).correlation;
  if (typeof correlation !== 'object' || correlation === null || Array.isArray(correlation)) return candidate;
  const fields = correlation as Record<string, unknown>;
  if (typeof fields.rules === 'string') fields.rules = [fields.rules];
  if (typeof fields['group-by'] === 'string') fields['group-by'] = [fields['group-by']];
  const condition = fields.condition as Record<string, unknown> | undefined;
  if (typeof condition === 'object' && condition !== null && Array.isArray(condition.field) && condition.field.length === 1) condition.field = condition.field[0];
  return candidate;
}

function shapeIssues(candidate: unknown): RuleIssue[] {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return [{ code: 'SIEM_RULE_INVALID', pointer: '', message: 'a correlation rule is a JSON object' }];
  }
  const issues: RuleIssue[] = [];
  const allowed = new Set(Object.keys(CorrelationRuleSchema.properties));
  for (const key of Object.keys(candidate)) {
    if (!allowed.has(key)) issues.push({ code: 'SIEM_RULE_INVALID', pointer: pointerOf(key), message: `unknown key "${key}"; valid keys: ${[...allowed].join(', ')}` });
  }
  const seen = new Set<string>();
  for (const error of Value.Errors(CorrelationRuleSchema, candidate)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const expected = typeof error.schema.description === 'string' ? `; expected ${error.schema.description}` : '';
    issues.push({ code: 'SIEM_RULE_INVALID', pointer: error.path, message: `${error.message}${expected}` });
    if (issues.length >= 20) break;
  }
  return issues;
}

function semanticIssues(rule: CorrelationRule): RuleIssue[] {
  const { correlation } = rule;
  const issues: RuleIssue[] = [];
  const bad = (pointer: string, message: string): void => {
    issues.push({ code: 'SIEM_RULE_BAD_CORRELATION', pointer, message });
  };
  const condition = correlation.condition;
  const bounds = conditionBounds(rule);
  if (timespanMs(correlation.timespan) > MAX_TIMESPAN_MS) bad('/correlation/timespan', `${correlation.timespan} is longer than 30d; use a scheduled query rule for longer windows`);
  const duplicate = correlation.rules.findIndex((ref, index) => correlation.rules.indexOf(ref) !== index);
  if (duplicate >= 0) bad(pointerOf('correlation', 'rules', duplicate), `"${correlation.rules[duplicate]}" is named twice`);
  if (TEMPORAL_TYPES.has(correlation.type)) {
    if (condition !== undefined && bounds.length === 0) bad('/correlation/condition', 'give gte (or gt): how many of the rules must match');
    for (const [op] of bounds) {
      if (op !== 'gt' && op !== 'gte') bad(pointerOf('correlation', 'condition', op), `${correlation.type} counts the distinct rules seen; only gte and gt can be decided in a stream`);
    }
    if (condition?.field !== undefined) bad('/correlation/condition/field', `${correlation.type} takes no field; it counts the rules seen`);
  } else {
    if (condition === undefined || bounds.length === 0) bad('/correlation/condition', `${correlation.type} needs a condition with gt, gte, lt, lte, eq or neq`);
    if (VALUE_TYPES.has(correlation.type) && condition?.field === undefined) bad('/correlation/condition', `${correlation.type} needs condition.field: the field whose values it ${correlation.type === 'value_count' ? 'counts' : 'aggregates'}`);
    if (correlation.type === 'event_count' && condition?.field !== undefined) bad('/correlation/condition/field', 'event_count counts events; use value_count to count the values of a field');
  }
  if (correlation.type === 'value_percentile' && condition?.percentile === undefined) bad('/correlation/condition', 'value_percentile needs condition.percentile (1 to 100)');
  if (correlation.type !== 'value_percentile' && condition?.percentile !== undefined) bad('/correlation/condition/percentile', 'percentile belongs to value_percentile only');
  for (const [alias, mapping] of Object.entries(correlation.aliases ?? {})) {
    for (const ref of Object.keys(mapping)) {
      if (!correlation.rules.includes(ref)) bad(pointerOf('correlation', 'aliases', alias, ref), `"${ref}" is not one of correlation.rules (${correlation.rules.join(', ')})`);
    }
  }
  return issues;
}

/**
 * Checks a correlation rule document (an object, or its JSON text) and returns
 * it with defaults applied and Sigma's shorthands written out (a single rule
 * or group-by field as a list; temporal types without a condition need all
 * their rules). Throws RuleValidationError listing every issue.
 */
export function validateCorrelationRule(input: unknown): CorrelationRule {
  let candidate = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_RULE_BYTES) throw new RuleValidationError([{ code: 'SIEM_RULE_TOO_LARGE', pointer: '', message: `the rule is larger than ${MAX_RULE_BYTES} bytes` }]);
    try {
      candidate = JSON.parse(input) as unknown;
    } catch (error) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_INVALID_JSON', pointer: '', message: `the rule is not JSON: ${(error as Error).message}` }]);
    }
  }
  const prepared = normalise(Value.Default(CorrelationRuleSchema, structuredClone(candidate)));
  const issues = shapeIssues(prepared);
  if (issues.length > 0) throw new RuleValidationError(issues);
  const rule = prepared as CorrelationRule;
  const semantic = semanticIssues(rule);
  if (semantic.length > 0) throw new RuleValidationError(semantic);
  if (TEMPORAL_TYPES.has(rule.correlation.type) && rule.correlation.condition === undefined) {
    rule.correlation.condition = { gte: rule.correlation.rules.length };
  }
  return rule;
}

/** A rule a correlation may name: a single-event rule or another correlation. */
export interface RuleReference {
  readonly id: string;
  readonly name?: string;
}

/** Whether a reference (an id or a name) names this rule. */
export function refersTo(ref: string, rule: RuleReference): boolean {
  return ref === rule.id || (rule.name !== undefined && ref === rule.name);
}

/**
 * Checks a set of correlations against the single-event rules they may name
 * (when those are given): every reference resolves, names are unique, no correlation depends on
 * itself, and none chains on a correlation decided only when its window
 * closes (its matches would reach the next one out of time order). Returns
 * the correlations ordered so that each comes after those it names.
 */
export function resolveCorrelations(correlations: readonly CorrelationRule[], singleEventRules?: readonly RuleReference[]): CorrelationRule[] {
  const fail = (rule: CorrelationRule, pointer: string, message: string): never => {
    throw new RuleValidationError([{ code: 'SIEM_RULE_BAD_CORRELATION', pointer, message: `correlation ${rule.id} (${rule.title}): ${message}` }]);
  };
  const names = new Map<string, string>();
  for (const rule of [...(singleEventRules ?? []), ...correlations]) {
    if (rule.name === undefined) continue;
    const other = names.get(rule.name);
    if (other !== undefined && other !== rule.id) {
      const clash = correlations.find((c) => c.id === rule.id) ?? correlations.find((c) => c.id === other);
      if (clash !== undefined) fail(clash, '/name', `the name "${rule.name}" is used by rules ${other} and ${rule.id}; names must be unique`);
    }
    names.set(rule.name, rule.id);
  }
  const dependsOn = new Map<string, CorrelationRule[]>();
  for (const rule of correlations) {
    const children: CorrelationRule[] = [];
    rule.correlation.rules.forEach((ref, index) => {
      const correlation = correlations.find((candidate) => refersTo(ref, candidate));
      if (correlation !== undefined) {
        if (!decidedOnArrival(correlation)) {
          fail(rule, pointerOf('correlation', 'rules', index), `"${ref}" is decided only when its window closes (lt, lte, eq or neq) and cannot be chained; chain on a gte or gt correlation`);
        }
        children.push(correlation);
      } else if (singleEventRules !== undefined && !singleEventRules.some((candidate) => refersTo(ref, candidate))) {
        fail(rule, pointerOf('correlation', 'rules', index), `no rule has the id or name "${ref}"`);
      }
    });
    dependsOn.set(rule.id, children);
  }
  const ordered: CorrelationRule[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (rule: CorrelationRule, path: readonly string[]): void => {
    const seen = state.get(rule.id);
    if (seen === 'done') return;
    if (seen === 'visiting') fail(rule, '/correlation/rules', `it depends on itself through ${[...path, rule.id].join(' → ')}`);
    state.set(rule.id, 'visiting');
    for (const child of dependsOn.get(rule.id) ?? []) visit(child, [...path, rule.id]);
    state.set(rule.id, 'done');
    ordered.push(rule);
  };
  for (const rule of correlations) visit(rule, []);
  return ordered;
}
