/**
 * A compiled rule set: the hot path. Rules are grouped by the routing key of
 * their log source, so an event is only offered to the rules of its own log
 * sources; within those, a rule whose required literals are all absent from
 * the event is skipped before its predicate runs. A rule that throws counts
 * an error and the others go on.
 */
import { attackFromTags } from './attack';
import { compileDetection, type Need, type Predicate } from './compile-rule';
import { FieldSlots, type EventView } from './event-view';
import { logSourceKey, logSourceOf } from './log-sources';
import type { Rule } from './schema';
import { compileContext, ruleState, type CompileOptions, type RuleState } from './validate';
import { RuleValidationError } from './errors';

export interface RuleCounters {
  /** Events the rule's predicate ran on (after routing and the literal pre-filter). */
  readonly evaluated: number;
  readonly matched: number;
  readonly errors: number;
  /** Time spent in the rule's predicate. */
  readonly nanoseconds: number;
}

export interface RuleMatch {
  readonly rule: Rule;
  readonly attack: { readonly techniques: readonly string[]; readonly tactics: readonly string[] };
}

export interface CompiledRuleSet {
  /** Rules that run (enabled, log source produced here). */
  readonly size: number;
  /** Rules left out, with the reason: disabled, not produced here, or invalid. */
  readonly skipped: ReadonlyMap<string, RuleState>;
  /** Synchronous; the hot path. Returns the rules that match this ECS event (nested object as the parsers produce it). */
  match(event: Record<string, unknown>): readonly RuleMatch[];
  /** Per-rule counters: evaluated, matched, errors, nanoseconds. */
  stats(): ReadonlyMap<string, RuleCounters>;
}

interface Counters {
  evaluated: number;
  matched: number;
  errors: number;
  nanoseconds: number;
}

interface CompiledRule {
  readonly id: string;
  readonly predicate: Predicate;
  readonly need: Need;
  readonly result: RuleMatch;
  readonly counters: Counters;
}

const NO_MATCHES: readonly RuleMatch[] = Object.freeze([]);

function passesNeed(view: EventView, need: Need): boolean {
  if (need === null) return true;
  for (const alternative of need) {
    const values = view.lower(alternative.slot);
    if (values === null) continue;
    for (const value of values) if (value.includes(alternative.literal)) return true;
  }
  return false;
}

/** Compiles the enabled rules whose log source some parser produces; the others are listed in `skipped`. */
export function compileRules(rules: readonly Rule[], options?: CompileOptions): CompiledRuleSet {
  const slots = new FieldSlots();
  const byKey = new Map<string, CompiledRule[]>();
  const all: CompiledRule[] = [];
  const skipped = new Map<string, RuleState>();
  for (const rule of rules) {
    const state = ruleState(rule, options);
    if (!state.enabled) {
      skipped.set(rule.id, state);
      continue;
    }
    const { detection, issues } = compileDetection(rule, compileContext(rule, slots, options));
    if (detection === undefined) {
      skipped.set(rule.id, { enabled: false, disabledReason: new RuleValidationError(issues).message });
      continue;
    }
    const compiled: CompiledRule = {
      id: rule.id,
      predicate: detection.predicate,
      need: detection.need,
      result: Object.freeze({ rule, attack: attackFromTags(rule.tags ?? []) }),
      counters: { evaluated: 0, matched: 0, errors: 0, nanoseconds: 0 },
    };
    all.push(compiled);
    const key = logSourceKey(rule.logsource.product, rule.logsource.category, rule.logsource.service);
    const list = byKey.get(key) ?? [];
    list.push(compiled);
    byKey.set(key, list);
  }
  const view = slots.createView();

  return {
    size: all.length,
    skipped,
    match(event) {
      const keys = logSourceOf(event);
      if (keys.length === 0) return NO_MATCHES;
      view.reset(event);
      let matches: RuleMatch[] | undefined;
      for (const key of keys) {
        const candidates = byKey.get(key);
        if (candidates === undefined) continue;
        for (const rule of candidates) {
          const counters = rule.counters;
          let matched = false;
          const start = process.hrtime.bigint();
          try {
            if (!passesNeed(view, rule.need)) continue;
            counters.evaluated++;
            matched = rule.predicate(view);
          } catch {
            counters.errors++;
          } finally {
            counters.nanoseconds += Number(process.hrtime.bigint() - start);
          }
          if (matched) {
            counters.matched++;
            (matches ??= []).push(rule.result);
          }
        }
      }
      return matches ?? NO_MATCHES;
    },
    stats() {
      return new Map(all.map((rule) => [rule.id, { ...rule.counters }]));
    },
  };
}
