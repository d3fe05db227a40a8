import { Value } from '@sinclair/typebox/value';
import { parseQuery, QueryError } from '@siem/query';
import { RuleValidationError, type RuleIssue } from '../errors';
import { MAX_RULE_BYTES } from '../validate';
import { parseCron } from './cron';
import { ScheduledRuleSchema, type ScheduledRule } from './schema';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest new_terms history; older values are the retention's business. */
const MAX_HISTORY_MS = 366 * UNIT_MS.d;

export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_MS[text.at(-1) as keyof typeof UNIT_MS];
}

/** A rule document as stored: scheduled rules are told apart by their `scheduled` section. */
export function isScheduledRule(rule: object): rule is ScheduledRule {
  return 'scheduled' in rule && typeof (rule as { scheduled?: unknown }).scheduled === 'object';
}

/**
 * Checks a scheduled rule (an object or its JSON text): its shape, a schedule given exactly
 * once (interval or cron), a query the API language reads, and what each type needs.
 * Throws RuleValidationError listing every issue with its JSON pointer.
 */
export function validateScheduledRule(input: unknown): ScheduledRule {
  let candidate = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_RULE_BYTES) throw new RuleValidationError([{ code: 'SIEM_RULE_TOO_LARGE', pointer: '', message: `the rule is larger than ${MAX_RULE_BYTES} bytes` }]);
    try {
      candidate = JSON.parse(input) as unknown;
    } catch (error) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_INVALID_JSON', pointer: '', message: `the rule is not JSON: ${(error as Error).message}` }]);
    }
  }
  const prepared = Value.Default(ScheduledRuleSchema, structuredClone(candidate));
  const shape = [...Value.Errors(ScheduledRuleSchema, prepared)].map((error): RuleIssue => ({ code: 'SIEM_RULE_INVALID', pointer: error.path, message: error.message }));
  if (shape.length > 0) throw new RuleValidationError(shape);
  const rule = prepared as ScheduledRule;
  const { scheduled } = rule;
  const issues: RuleIssue[] = [];
  const bad = (pointer: string, message: string) => issues.push({ code: 'SIEM_RULE_INVALID', pointer, message });
  if ((scheduled.interval === undefined) === (scheduled.cron === undefined)) bad('/scheduled', 'give the schedule as exactly one of interval or cron');
  if (scheduled.cron !== undefined) {
    try {
      parseCron(scheduled.cron);
    } catch (error) {
      bad('/scheduled/cron', (error as Error).message);
    }
  }
  try {
    parseQuery(scheduled.query);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    bad('/scheduled/query', error.message);
  }
  if (scheduled.type === 'new_terms') {
    if (scheduled.fields === undefined) bad('/scheduled/fields', 'new_terms needs the field, or up to three fields, whose values must be new');
    if (scheduled.history === undefined) bad('/scheduled/history', 'new_terms needs the history window (30d) in which a value must not have been seen');
    else if (durationMs(scheduled.history) > MAX_HISTORY_MS) bad('/scheduled/history', 'the history window is at most 366d');
    if (scheduled.threshold !== undefined) bad('/scheduled/threshold', 'threshold belongs to query rules');
  } else {
    if (scheduled.fields !== undefined || scheduled.history !== undefined) bad('/scheduled', 'fields and history belong to new_terms rules');
    const threshold = scheduled.threshold;
    if (threshold !== undefined && (threshold.gt === undefined) === (threshold.gte === undefined)) bad('/scheduled/threshold', 'give exactly one of gt or gte');
  }
  if (issues.length > 0) throw new RuleValidationError(issues);
  return rule;
}
