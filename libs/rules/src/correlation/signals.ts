/**
 * Signals between the processor and the alerting scheduler: which single-event
 * rules feed correlations (so their matches are sent, with the fields the
 * correlations read), which of them raise no alert of their own (Sigma's
 * `generate: false`, the default), and the signal's wire form on the bus.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { CorrelationRule } from './schema';
import type { Signal } from './engine';

/** What the processor needs to know of the correlations. */
export interface SignalRouting {
  /** Single-event rule id → the event fields (dotted) its signals carry: group-by fields (aliases resolved) and value fields. */
  readonly feeds: ReadonlyMap<string, readonly string[]>;
  /** Rules that raise no alert of their own: every correlation naming them has `generate` unset or false. */
  readonly muted: ReadonlySet<string>;
}

/** Fields every signal carries whatever the correlations read, so a correlation alert can name the host, user and addresses of its events. */
export const SIGNAL_CONTEXT_FIELDS = ['host.name', 'user.name', 'source.ip', 'destination.ip', 'organization.id'] as const;

/** A rule document as stored: correlations are told apart by their `correlation` section. */
export function isCorrelationRule(rule: object): rule is CorrelationRule {
  return 'correlation' in rule && typeof (rule as { correlation?: unknown }).correlation === 'object';
}

/**
 * Which single-event rules feed the enabled correlations, with the fields their signals
 * need, and which of them are muted. A rule named by a correlation with `generate: true`
 * keeps its alerts even when another correlation naming it has none.
 */
export function signalRouting(singleEventRules: readonly { readonly id: string; readonly name?: string }[], correlations: readonly CorrelationRule[]): SignalRouting {
  const fields = new Map<string, Set<string>>();
  const generating = new Set<string>();
  const named = new Set<string>();
  for (const correlation of correlations) {
    if (correlation.enabled === false) continue;
    const { rules: refs, aliases, condition, generate } = correlation.correlation;
    const valueField = condition?.field === undefined ? undefined : Array.isArray(condition.field) ? condition.field[0] : condition.field;
    for (const ref of refs) {
      const rule = singleEventRules.find((candidate) => candidate.id === ref || (candidate.name !== undefined && candidate.name === ref));
      if (rule === undefined) continue;
      named.add(rule.id);
      if (generate === true) generating.add(rule.id);
      const needed = fields.get(rule.id) ?? new Set<string>(SIGNAL_CONTEXT_FIELDS);
      for (const groupBy of correlation.correlation['group-by'] ?? []) needed.add(aliases?.[groupBy]?.[ref] ?? groupBy);
      if (valueField !== undefined) needed.add(valueField);
      fields.set(rule.id, needed);
    }
  }
  return {
    feeds: new Map([...fields].map(([id, set]) => [id, [...set]])),
    muted: new Set([...named].filter((id) => !generating.has(id))),
  };
}

function readPath(event: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in event) return event[name];
  let current: unknown = event;
  for (const part of name.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The signal of a match: the event's time and the named fields, flat under their dotted names (absent ones left out). */
export function signalOf(ruleId: string, ruleName: string | undefined, eventId: string, event: Readonly<Record<string, unknown>>, fields: readonly string[], fallbackTime: number): Signal {
  const picked: Record<string, unknown> = {};
  for (const name of fields) {
    const value = readPath(event, name);
    if (value !== undefined) picked[name] = value;
  }
  const time = typeof event['@timestamp'] === 'string' ? Date.parse(event['@timestamp']) : NaN;
  return { ruleId, ...(ruleName === undefined ? {} : { ruleName }), eventId, timestamp: Number.isFinite(time) ? time : fallbackTime, fields: picked };
}

const SignalWireSchema = Type.Object({
  ruleId: Type.String({ minLength: 1 }),
  ruleName: Type.Optional(Type.String()),
  eventId: Type.String({ minLength: 1 }),
  timestamp: Type.Number(),
  fields: Type.Record(Type.String(), Type.Unknown()),
});

export function encodeSignal(signal: Signal): Buffer {
  return Buffer.from(JSON.stringify(signal));
}

/** The signal in a bus record, or undefined when the record is not one (counted by the caller, never thrown). */
export function decodeSignal(value: Buffer): Signal | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  return Value.Check(SignalWireSchema, parsed) ? parsed : undefined;
}
