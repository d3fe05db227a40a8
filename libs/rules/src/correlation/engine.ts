/**
 * The correlation engine: rule matches (signals) in, correlation alerts out,
 * with no clock of its own. Time is what the caller says through
 * advance(now): every signal up to `now - allowedLatenessMs` is then final,
 * and those are evaluated in time order (ties by event id), so the result does
 * not depend on the order in which signals arrived within the lateness bound.
 * A signal older than that is late: dropped and counted.
 *
 * Windows slide: a window is anchored at an event and spans `timespan` after
 * it, inclusive, never a clock-aligned bucket. A gt/gte condition fires as
 * soon as an arriving event makes it true; lt/lte/eq/neq are decided when the
 * window anchored at each event closes. A window that fires consumes its
 * events, so each triggering window raises exactly one alert, whose id derives
 * from the rule, the group and the window's first event: a replay of the same
 * signals raises the same ids.
 *
 * State is plain data (snapshot()/restore()) so a scheduler can checkpoint it
 * with its input positions, and bounded: at most maxGroupsPerRule groups per
 * rule, the stalest evicted first (counted); groups whose events all left the
 * window are dropped as time advances.
 */
import { createHash } from 'node:crypto';
import { SiemError } from '@siem/schema';
import { createAggregate, type Aggregate, type WindowEntry } from './aggregate';
import type { RuleLevel } from '../schema';
import type { ConditionOperator, CorrelationRule, CorrelationType } from './schema';
import { conditionBounds, decidedOnArrival, resolveCorrelations, timespanMs, type RuleReference } from './validate';

/** A rule match: what the processor emits per single-event alert, and what a firing correlation feeds the ones that name it. */
export interface Signal {
  readonly ruleId: string;
  readonly ruleName?: string;
  readonly eventId: string;
  /** Event time, ms since the epoch. */
  readonly timestamp: number;
  /** The event's fields by dotted name (`source.ip`) or nested. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface CorrelationAlert {
  /** Deterministic: rule id + group + the window's first event id. */
  readonly id: string;
  readonly ruleId: string;
  readonly ruleName?: string;
  readonly title: string;
  readonly level: RuleLevel;
  readonly type: CorrelationType;
  /** The group-by values of the window, by group-by name. */
  readonly group: Readonly<Record<string, unknown>>;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  /** The measured value that met the condition: events, distinct values, sum, average, percentile, or rules seen. */
  readonly value: number;
  /** Ids of the window's events (signals of a chained correlation are its alert ids), at most maxEventIdsPerAlert. */
  readonly eventIds: readonly string[];
}

export interface CorrelationEngineOptions {
  /** The single-event rules that correlations may name (by id or name); when given, a correlation naming none of these or of the correlations is refused. */
  singleEventRules?: readonly RuleReference[];
  /** How late a signal may arrive behind the clock and still count; default 5 s. */
  allowedLatenessMs?: number;
  /** Groups kept per rule; beyond it the stalest group is evicted (counted). Default 10,000. */
  maxGroupsPerRule?: number;
  /** Event ids listed in an alert; default 100. */
  maxEventIdsPerAlert?: number;
}

export interface CorrelationRuleStats {
  readonly id: string;
  readonly groups: number;
  readonly alerts: number;
  readonly evicted: number;
  /** Signals without a group-by field or the value the rule reads. */
  readonly skipped: number;
}

export interface CorrelationStats {
  readonly watermark: number;
  readonly pending: number;
  readonly late: number;
  readonly duplicates: number;
  readonly invalid: number;
  readonly rules: readonly CorrelationRuleStats[];
}

export class CorrelationStateError extends SiemError<'SIEM_RULE_BAD_STATE'> {
  constructor(message: string) {
    super('SIEM_RULE_BAD_STATE', `${message}; start without the snapshot or restore one this version wrote`, { retryable: false });
  }
}

type Chain = { start: number; startId: string; ids: string[] };
type GroupData = { entries: WindowEntry[] } | { latest: Array<WindowEntry | null> } | { chains: Array<Chain | null> };

interface Group {
  /** The key it is stored under, reused on every touch: a fresh key string in the old map would survive every young collection. */
  readonly key: string;
  lastSeen: number;
  readonly values: readonly unknown[];
  data: GroupData;
  /** Head of data.entries: entries before it have left the window (compacted now and then). */
  head: number;
  aggregate: Aggregate | undefined;
  /** The group's snapshot text, kept until the group changes: a checkpoint serializes only the groups touched since the last. */
  json: string | undefined;
}

interface Compiled {
  readonly rule: CorrelationRule;
  readonly fingerprint: string;
  readonly spanMs: number;
  readonly onArrival: boolean;
  readonly bounds: ReadonlyArray<[ConditionOperator, number]>;
  readonly groupBy: readonly string[];
  /** Per step (rule reference): the event field read for each group-by name, aliases applied. */
  readonly groupFields: ReadonlyArray<readonly string[]>;
  readonly valueField?: string;
  readonly groups: Map<string, Group>;
  alerts: number;
  evicted: number;
  skipped: number;
}

interface Snapshot {
  version: 1;
  watermark: number;
  pending: Signal[];
  counters: { late: number; duplicates: number; invalid: number };
  rules: Array<{ id: string; fingerprint: string; alerts: number; evicted: number; skipped: number; groups: Array<[string, { lastSeen: number; values: unknown[]; data: GroupData }]> }>;
}

const SNAPSHOT_VERSION = 1;

function readField(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in fields) return fields[name];
  let current: unknown = fields;
  for (const part of name.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function satisfies(bounds: ReadonlyArray<[ConditionOperator, number]>, value: number): boolean {
  for (const [op, limit] of bounds) {
    const ok = op === 'gt' ? value > limit : op === 'gte' ? value >= limit : op === 'lt' ? value < limit : op === 'lte' ? value <= limit : op === 'eq' ? value === limit : value !== limit;
    if (!ok) return false;
  }
  return true;
}

function correlationAlertId(ruleId: string, groupKey: string, firstEventId: string): string {
  return createHash('sha256').update(ruleId).update('\u0000').update(groupKey).update('\u0000').update(firstEventId).digest('base64url').slice(0, 32);
}

function bySignalOrder(a: Signal, b: Signal): number {
  return a.timestamp - b.timestamp || compareEventIds(a.eventId, b.eventId) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

const RECORD_INDEX = /^(.*)\.(\d{1,15})$/;

/**
 * Orders events of one timestamp. Lines sent together (one syslog burst, one sshd second) share
 * a timestamp and one bus message, their ids `<message>.<index>`: the index is the order they
 * were sent in, so it is compared as a number (`.10` after `.9`); otherwise a failure counted
 * after the success it preceded would hide a brute force. Ids of different messages stay in a
 * fixed, arbitrary order, so every replay gives the same alerts.
 */
function compareEventIds(a: string, b: string): number {
  const left = RECORD_INDEX.exec(a);
  const right = RECORD_INDEX.exec(b);
  if (left !== null && right !== null && left[1] === right[1]) return Number(left[2]) - Number(right[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

function isSignal(value: unknown): value is Signal {
  if (typeof value !== 'object' || value === null) return false;
  const signal = value as Record<string, unknown>;
  return (
    typeof signal.ruleId === 'string' &&
    typeof signal.eventId === 'string' &&
    typeof signal.timestamp === 'number' &&
    Number.isFinite(signal.timestamp) &&
    typeof signal.fields === 'object' &&
    signal.fields !== null &&
    (signal.ruleName === undefined || typeof signal.ruleName === 'string')
  );
}

export class CorrelationEngine {
  private readonly compiled: Compiled[];
  private readonly targets = new Map<string, Array<{ compiled: Compiled; step: number }>>();
  private readonly lateness: number;
  private readonly maxGroups: number;
  private readonly maxIds: number;
  private pending: Signal[] = [];
  private readonly pendingKeys = new Set<string>();
  private watermark = Number.NEGATIVE_INFINITY;
  private late = 0;
  private duplicates = 0;
  private invalid = 0;

  /** Throws RuleValidationError (SIEM_RULE_BAD_CORRELATION) when a rule names nothing known, or the correlations form a cycle. */
  constructor(rules: readonly CorrelationRule[], options: CorrelationEngineOptions = {}) {
    this.lateness = options.allowedLatenessMs ?? 5000;
    this.maxGroups = options.maxGroupsPerRule ?? 10_000;
    this.maxIds = options.maxEventIdsPerAlert ?? 100;
    const enabled = rules.filter((rule) => rule.enabled !== false);
    this.compiled = resolveCorrelations(enabled, options.singleEventRules).map((rule) => this.compile(rule));
    for (const compiled of this.compiled) {
      compiled.rule.correlation.rules.forEach((ref, step) => {
        const list = this.targets.get(ref) ?? [];
        list.push({ compiled, step });
        this.targets.set(ref, list);
      });
    }
  }

  private compile(rule: CorrelationRule): Compiled {
    const { correlation } = rule;
    const groupBy = correlation['group-by'] ?? [];
    const field = correlation.condition?.field;
    return {
      rule,
      fingerprint: createHash('sha256').update(JSON.stringify(correlation)).digest('base64url').slice(0, 16),
      spanMs: timespanMs(correlation.timespan),
      onArrival: decidedOnArrival(rule),
      bounds: conditionBounds(rule),
      groupBy,
      groupFields: correlation.rules.map((ref) => groupBy.map((name) => correlation.aliases?.[name]?.[ref] ?? name)),
      ...(field === undefined ? {} : { valueField: typeof field === 'string' ? field : (field[0] as string) }),
      groups: new Map(),
      alerts: 0,
      evicted: 0,
      skipped: 0,
    };
  }

  /**
   * Takes one rule match. It is evaluated at the next advance() that makes it
   * final. Malformed, late (older than the last watermark) and repeated
   * signals (same rule and event, as a redelivery brings) are dropped and counted.
   */
  push(signal: Signal): void {
    if (!isSignal(signal)) {
      this.invalid += 1;
      return;
    }
    if (signal.timestamp <= this.watermark) {
      this.late += 1;
      return;
    }
    if (!this.targets.has(signal.ruleId) && (signal.ruleName === undefined || !this.targets.has(signal.ruleName))) return;
    const key = `${signal.ruleId}\u0000${signal.eventId}`;
    if (this.pendingKeys.has(key)) {
      this.duplicates += 1;
      return;
    }
    this.pendingKeys.add(key);
    this.pending.push(signal);
  }

  /** Moves time to `now`: evaluates every signal up to `now - allowedLatenessMs` in time order, closes the windows that ended, and returns the alerts raised. */
  advance(now: number): CorrelationAlert[] {
    const watermark = now - this.lateness;
    if (watermark <= this.watermark) return [];
    const alerts: CorrelationAlert[] = [];
    const ready: Signal[] = [];
    const waiting: Signal[] = [];
    for (const signal of this.pending) (signal.timestamp <= watermark ? ready : waiting).push(signal);
    ready.sort(bySignalOrder);
    this.pending = waiting;
    for (const signal of ready) {
      this.pendingKeys.delete(`${signal.ruleId}\u0000${signal.eventId}`);
      this.evaluate(signal, alerts);
    }
    this.watermark = watermark;
    for (const compiled of this.compiled) {
      if (!compiled.onArrival) {
        for (const [key, group] of compiled.groups) this.closeWindows(compiled, key, group, watermark, true, alerts);
      }
      this.expire(compiled, watermark);
    }
    return alerts;
  }

  private evaluate(signal: Signal, alerts: CorrelationAlert[]): void {
    const byId = this.targets.get(signal.ruleId) ?? [];
    const byName = signal.ruleName === undefined || signal.ruleName === signal.ruleId ? [] : (this.targets.get(signal.ruleName) ?? []);
    for (const target of byName.length === 0 ? byId : [...byId, ...byName.filter((t) => !byId.includes(t))]) {
      this.add(target.compiled, target.step, signal, alerts);
    }
  }

  private add(compiled: Compiled, step: number, signal: Signal, alerts: CorrelationAlert[]): void {
    const fields = compiled.groupFields[step] ?? [];
    const values: unknown[] = [];
    for (const field of fields) {
      const value = readField(signal.fields, field);
      if (value === undefined || value === null) {
        compiled.skipped += 1;
        return;
      }
      values.push(value);
    }
    let entryValue: string | number | undefined;
    if (compiled.valueField !== undefined) {
      const raw = readField(signal.fields, compiled.valueField);
      if (compiled.rule.correlation.type === 'value_count') {
        entryValue = raw === undefined || raw === null ? undefined : typeof raw === 'object' ? JSON.stringify(raw) : `${typeof raw}:${String(raw)}`;
      } else {
        const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
        entryValue = Number.isFinite(number) ? number : undefined;
      }
      if (entryValue === undefined) {
        compiled.skipped += 1;
        return;
      }
    }
    const key = JSON.stringify(values);
    let group = compiled.groups.get(key);
    if (group === undefined) {
      group = { key, lastSeen: signal.timestamp, values, data: this.emptyData(compiled), head: 0, aggregate: undefined, json: undefined };
      compiled.groups.set(key, group);
      if (compiled.groups.size > this.maxGroups) {
        // Map order is touch order and signals come in time order, so the first key is the stalest group.
        const stalest = compiled.groups.keys().next().value as string;
        compiled.groups.delete(stalest);
        compiled.evicted += 1;
      }
    } else {
      compiled.groups.delete(key);
      compiled.groups.set(group.key, group);
      group.lastSeen = signal.timestamp;
      group.json = undefined;
    }
    const entry: WindowEntry = entryValue === undefined ? { t: signal.timestamp, id: signal.eventId } : { t: signal.timestamp, id: signal.eventId, v: entryValue };
    const fired = this.addEntry(compiled, key, group, step, entry, alerts);
    if (fired !== undefined) this.chain(compiled, fired, alerts);
  }

  private emptyData(compiled: Compiled): GroupData {
    const steps = compiled.rule.correlation.rules.length;
    switch (compiled.rule.correlation.type) {
      case 'temporal':
        return { latest: new Array<WindowEntry | null>(steps).fill(null) };
      case 'temporal_ordered':
        return { chains: new Array<Chain | null>(steps).fill(null) };
      default:
        return { entries: [] };
    }
  }

  private addEntry(compiled: Compiled, key: string, group: Group, step: number, entry: WindowEntry, alerts: CorrelationAlert[]): CorrelationAlert | undefined {
    const { data } = group;
    const since = entry.t - compiled.spanMs;
    if ('latest' in data) {
      data.latest[step] = entry;
      let seen = 0;
      for (const latest of data.latest) if (latest !== null && latest.t >= since) seen += 1;
      if (!satisfies(compiled.bounds, seen)) return undefined;
      const inWindow = data.latest.filter((latest): latest is WindowEntry => latest !== null && latest.t >= since);
      inWindow.sort((a, b) => a.t - b.t || compareEventIds(a.id, b.id));
      group.data = this.emptyData(compiled);
      return this.fire(compiled, key, group, inWindow, inWindow.length, alerts);
    }
    if ('chains' in data) {
      // chains[k]: of the in-order chains reaching step k so far, the one that started last (the likeliest to fit a later window).
      let candidate: Chain | null = null;
      if (step === 0) candidate = { start: entry.t, startId: entry.id, ids: [entry.id] };
      else {
        const previous = data.chains[step - 1];
        if (previous !== null && previous !== undefined && previous.start >= since) candidate = { start: previous.start, startId: previous.startId, ids: [...previous.ids, entry.id] };
      }
      if (candidate === null) return undefined;
      const current = data.chains[step];
      if (current === null || current === undefined || candidate.start >= current.start) data.chains[step] = candidate;
      if (!satisfies(compiled.bounds, step + 1)) return undefined;
      group.data = this.emptyData(compiled);
      const entries = candidate.ids.map((id, index) => ({ t: index === 0 ? candidate.start : entry.t, id }));
      return this.fire(compiled, key, group, entries, step + 1, alerts, candidate.start);
    }
    if (!compiled.onArrival) {
      this.closeWindows(compiled, key, group, entry.t, false, alerts);
      data.entries.push(entry);
      return undefined;
    }
    const aggregate = (group.aggregate ??= this.rebuildAggregate(compiled, group));
    while (group.head < data.entries.length && (data.entries[group.head] as WindowEntry).t < since) {
      aggregate.remove(data.entries[group.head] as WindowEntry);
      group.head += 1;
    }
    if (group.head > 64 && group.head * 2 > data.entries.length) {
      data.entries = data.entries.slice(group.head);
      group.head = 0;
    }
    data.entries.push(entry);
    aggregate.add(entry);
    const value = aggregate.value();
    if (!satisfies(compiled.bounds, value)) return undefined;
    const window = data.entries.slice(group.head);
    group.data = this.emptyData(compiled);
    group.head = 0;
    group.aggregate = undefined;
    return this.fire(compiled, key, group, window, value, alerts);
  }

  private rebuildAggregate(compiled: Compiled, group: Group): Aggregate {
    const aggregate = createAggregate(compiled.rule);
    if ('entries' in group.data) for (let i = group.head; i < group.data.entries.length; i += 1) aggregate.add(group.data.entries[i] as WindowEntry);
    return aggregate;
  }

  /**
   * For conditions decided at the end of a window (lt, lte, eq, neq): decides
   * every window anchored at an entry that has closed by `until` (inclusive
   * when the watermark says so, since an entry at exactly the end still belongs
   * to the window). A window that fires consumes its entries; one that does not
   * gives up its anchor and the next entry anchors the next window.
   */
  private closeWindows(compiled: Compiled, key: string, group: Group, until: number, inclusive: boolean, alerts: CorrelationAlert[]): void {
    if (!('entries' in group.data)) return;
    const entries = group.data.entries;
    let head = 0;
    while (head < entries.length) {
      const anchor = entries[head] as WindowEntry;
      const end = anchor.t + compiled.spanMs;
      if (inclusive ? end > until : end >= until) break;
      const aggregate = createAggregate(compiled.rule);
      let last = head;
      while (last < entries.length && (entries[last] as WindowEntry).t <= end) aggregate.add(entries[last++] as WindowEntry);
      const value = aggregate.value();
      if (satisfies(compiled.bounds, value)) {
        this.fire(compiled, key, group, entries.slice(head, last), value, alerts);
        head = last;
      } else head += 1;
    }
    if (head > 0) {
      group.data = { entries: entries.slice(head) };
      group.json = undefined;
    }
  }

  private fire(compiled: Compiled, key: string, group: Group, window: readonly WindowEntry[], value: number, alerts: CorrelationAlert[], firstTimestamp?: number): CorrelationAlert {
    const first = window[0] as WindowEntry;
    const { rule } = compiled;
    const groupRecord: Record<string, unknown> = {};
    compiled.groupBy.forEach((name, index) => {
      groupRecord[name] = group.values[index];
    });
    const alert: CorrelationAlert = {
      id: correlationAlertId(rule.id, key, first.id),
      ruleId: rule.id,
      ...(rule.name === undefined ? {} : { ruleName: rule.name }),
      title: rule.title,
      level: rule.level,
      type: rule.correlation.type,
      group: groupRecord,
      firstTimestamp: firstTimestamp ?? first.t,
      lastTimestamp: Math.max(...window.map((entry) => entry.t)),
      value,
      eventIds: window.slice(0, this.maxIds).map((entry) => entry.id),
    };
    compiled.alerts += 1;
    alerts.push(alert);
    return alert;
  }

  /** A correlation that fires is itself a match for the correlations that name it, at the time of its last event. */
  private chain(compiled: Compiled, alert: CorrelationAlert, alerts: CorrelationAlert[]): void {
    const signal: Signal = {
      ruleId: alert.ruleId,
      ...(alert.ruleName === undefined ? {} : { ruleName: alert.ruleName }),
      eventId: alert.id,
      timestamp: alert.lastTimestamp,
      fields: alert.group,
    };
    if (this.targets.has(compiled.rule.id) || (compiled.rule.name !== undefined && this.targets.has(compiled.rule.name))) this.evaluate(signal, alerts);
  }

  private expire(compiled: Compiled, watermark: number): void {
    // A group whose newest event left the window can never fire again; groups are in touch order, so the first live one ends the scan.
    for (const [key, group] of compiled.groups) {
      if (group.lastSeen >= watermark - compiled.spanMs) break;
      if ('entries' in group.data && !compiled.onArrival && group.data.entries.length > 0) continue;
      compiled.groups.delete(key);
    }
  }

  stats(): CorrelationStats {
    return {
      watermark: this.watermark,
      pending: this.pending.length,
      late: this.late,
      duplicates: this.duplicates,
      invalid: this.invalid,
      rules: this.compiled.map((c) => ({ id: c.rule.id, groups: c.groups.size, alerts: c.alerts, evicted: c.evicted, skipped: c.skipped })),
    };
  }

  /** The whole state as plain JSON-safe data: pending signals, windows per group, counters (a copy: later signals leave it unchanged). */
  snapshot(): Snapshot {
    return JSON.parse(this.snapshotJson()) as Snapshot;
  }

  /**
   * The snapshot as JSON text, serialized straight from the live state, and only in part: each
   * group keeps its text until a signal, a closing window or a restore changes it, so a
   * scheduler that checkpoints 10,000 groups per rule after every chunk of signals serializes
   * the groups that chunk touched and copies the others' text. (A deep copy of the whole state
   * and then its serialization, as before, cost more than the engine's own work.)
   */
  snapshotJson(): string {
    const watermark = this.watermark === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : this.watermark;
    const head = `{"version":${SNAPSHOT_VERSION},"watermark":${JSON.stringify(watermark)},"pending":${JSON.stringify(this.pending)},"counters":${JSON.stringify({ late: this.late, duplicates: this.duplicates, invalid: this.invalid })},"rules":[`;
    const rules = this.compiled.map((c) => {
      const groups: string[] = [];
      for (const group of c.groups.values()) {
        const data = 'entries' in group.data && group.head > 0 ? { entries: group.data.entries.slice(group.head) } : group.data;
        groups.push((group.json ??= JSON.stringify([group.key, { lastSeen: group.lastSeen, values: group.values, data }])));
      }
      return `{"id":${JSON.stringify(c.rule.id)},"fingerprint":${JSON.stringify(c.fingerprint)},"alerts":${c.alerts},"evicted":${c.evicted},"skipped":${c.skipped},"groups":[${groups.join(',')}]}`;
    });
    return `${head}${rules.join(',')}]}`;
  }

  /**
   * Replaces the state with a snapshot. State of a rule that is gone, or whose
   * correlation changed since, is left out (its windows refill from new matches).
   * Throws CorrelationStateError on anything this version did not write.
   */
  restore(input: unknown): void {
    const snapshot = input as Partial<Snapshot> | null;
    if (typeof snapshot !== 'object' || snapshot === null || snapshot.version !== SNAPSHOT_VERSION) {
      throw new CorrelationStateError(`the correlation snapshot is not version ${SNAPSHOT_VERSION}`);
    }
    if (typeof snapshot.watermark !== 'number' || !Array.isArray(snapshot.pending) || !Array.isArray(snapshot.rules) || typeof snapshot.counters !== 'object' || snapshot.counters === null) {
      throw new CorrelationStateError('the correlation snapshot lacks watermark, pending, counters or rules');
    }
    const restored = new Map<string, Snapshot['rules'][number]>();
    for (const rule of snapshot.rules) {
      if (typeof rule !== 'object' || rule === null || typeof rule.id !== 'string' || !Array.isArray(rule.groups)) throw new CorrelationStateError('a rule of the correlation snapshot has no id or groups');
      for (const pair of rule.groups) {
        const group = Array.isArray(pair) ? pair[1] : undefined;
        const data = group?.data as Record<string, unknown> | undefined;
        if (typeof pair[0] !== 'string' || typeof group?.lastSeen !== 'number' || !Array.isArray(group.values) || data === undefined || ![data.entries, data.latest, data.chains].some(Array.isArray)) {
          throw new CorrelationStateError(`a group of rule ${rule.id} in the correlation snapshot is malformed`);
        }
      }
      restored.set(rule.id, rule);
    }
    this.watermark = snapshot.watermark <= -Number.MAX_VALUE ? Number.NEGATIVE_INFINITY : snapshot.watermark;
    this.pending = snapshot.pending.filter(isSignal);
    this.pendingKeys.clear();
    for (const signal of this.pending) this.pendingKeys.add(`${signal.ruleId}\u0000${signal.eventId}`);
    this.late = snapshot.counters.late ?? 0;
    this.duplicates = snapshot.counters.duplicates ?? 0;
    this.invalid = snapshot.counters.invalid ?? 0;
    for (const compiled of this.compiled) {
      compiled.groups.clear();
      const saved = restored.get(compiled.rule.id);
      if (saved === undefined || saved.fingerprint !== compiled.fingerprint) continue;
      compiled.alerts = saved.alerts;
      compiled.evicted = saved.evicted;
      compiled.skipped = saved.skipped;
      const expected = this.emptyData(compiled);
      for (const [key, group] of saved.groups) {
        if (Object.keys(expected)[0] !== Object.keys(group.data)[0]) throw new CorrelationStateError(`rule ${compiled.rule.id} in the correlation snapshot holds state of another type`);
        compiled.groups.set(key, { key, lastSeen: group.lastSeen, values: group.values, data: group.data, head: 0, aggregate: undefined, json: undefined });
      }
    }
  }
}
