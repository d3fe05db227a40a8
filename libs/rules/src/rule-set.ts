/**
 * A compiled rule set: the hot path. Rules are grouped by the routing key of
 * their log source, so an event is only offered to the rules of its own log
 * sources; within those, a rule whose required literals are all absent from
 * the event is skipped before its predicate runs. A rule that throws counts
 * an error and the others go on.
 */
import { attackFromTags } from './attack';
import { compileDetection, type Need, type Predicate } from './compile-rule';
import { FieldSlots } from './event-view';
import { LiteralScanner } from './literal-scan';
import { logSourceKey, logSourceOf } from './log-sources';
import type { Rule } from './schema';
import { compileContext, ruleState, type CompileOptions, type RuleState } from './validate';
import { RuleValidationError } from './errors';

export interface RuleCounters {
  /** Events the rule's predicate ran on (after routing and the literal pre-filter). */
  readonly evaluated: number;
  readonly matched: number;
  readonly errors: number;
  /** Time spent in the rule's predicate, estimated from one evaluation in 16. */
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
  readonly index: number;
  readonly predicate: Predicate;
  readonly need: Need;
  readonly result: RuleMatch;
  readonly counters: Counters;
}

/** What an event of one set of log sources is offered: rules always evaluated, and per field the literals that make the others candidates. */
interface RoutePlan {
  readonly always: readonly CompiledRule[];
  readonly scanners: readonly { readonly slot: number; readonly scanner: LiteralScanner<CompiledRule> }[];
}

const NO_MATCHES: readonly RuleMatch[] = Object.freeze([]);
/** One evaluation in this many is timed (and counted that many times): a clock read costs more than most rules. */
const TIMING_SAMPLE = 16;

function buildPlan(keys: readonly string[], byKey: ReadonlyMap<string, readonly CompiledRule[]>): RoutePlan {
  const always: CompiledRule[] = [];
  const literals = new Map<number, { literal: string; payload: CompiledRule }[]>();
  for (const key of keys) {
    for (const rule of byKey.get(key) ?? []) {
      if (rule.need === null) {
        always.push(rule);
        continue;
      }
      for (const { slot, literal } of rule.need) {
        const list = literals.get(slot) ?? [];
        list.push({ literal, payload: rule });
        literals.set(slot, list);
      }
    }
  }
  return { always, scanners: [...literals].map(([slot, entries]) => ({ slot, scanner: new LiteralScanner(entries) })) };
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
      index: all.length,
      predicate: detection.predicate,
      need: options?.prefilter === false ? null : detection.need,
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
  // logSourceOf returns one shared array per log-source combination, so plans are built once per combination.
  const plans = new WeakMap<readonly string[], RoutePlan>();
  const marks = new Uint32Array(all.length);
  let generation = 0;
  const candidates: CompiledRule[] = [];
  let tick = 0;
  const markCandidate = (rule: CompiledRule): void => {
    if (marks[rule.index] !== generation) {
      marks[rule.index] = generation;
      candidates.push(rule);
    }
  };

  const evaluate = (rule: CompiledRule): boolean => {
    const counters = rule.counters;
    counters.evaluated++;
    const timed = ++tick % TIMING_SAMPLE === 0;
    const start = timed ? process.hrtime.bigint() : 0n;
    let matched = false;
    try {
      matched = rule.predicate(view);
    } catch {
      counters.errors++;
    }
    if (timed) counters.nanoseconds += Number(process.hrtime.bigint() - start) * TIMING_SAMPLE;
    if (matched) counters.matched++;
    return matched;
  };

  return {
    size: all.length,
    skipped,
    match(event) {
      const keys = logSourceOf(event);
      if (keys.length === 0 || all.length === 0) return NO_MATCHES;
      let plan = plans.get(keys);
      if (plan === undefined) {
        plan = buildPlan(keys, byKey);
        plans.set(keys, plan);
      }
      view.reset(event);
      generation = generation === 0xffffffff ? 1 : generation + 1;
      if (generation === 1) marks.fill(0);
      candidates.length = 0;
      for (const { slot, scanner } of plan.scanners) {
        let values: readonly string[] | null;
        try {
          values = view.lower(slot);
        } catch {
          continue;
        }
        if (values === null) continue;
        for (const value of values) scanner.scan(value, markCandidate);
      }
      let matches: RuleMatch[] | undefined;
      for (const rule of plan.always) if (evaluate(rule)) (matches ??= []).push(rule.result);
      for (const rule of candidates) if (evaluate(rule)) (matches ??= []).push(rule.result);
      return matches ?? NO_MATCHES;
    },
    stats() {
      return new Map(all.map((rule) => [rule.id, { ...rule.counters }]));
    },
  };
}
