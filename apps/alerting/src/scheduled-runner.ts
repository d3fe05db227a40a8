import { parseQuery, type QueryAst, type QueryNode } from '@siem/query';
import { GroupCounter, attackFromTags, durationMs, isScheduledRule, passesThreshold, runsBetween, scheduledAlertId, type RunGroup, type ScheduledRule } from '@siem/rules';
import { DEFAULT_TENANT, GLOBAL_TENANT } from '@siem/schema';
import { StoreError, StoreErrorCodes, tenantQuery, type AlertDocument, type DetectionStore, type EventAnalytics, type EventStore, type SchedulerStateStore, type StoredAlert } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { addPivotFields, type AlertActions } from './correlation-alert';

export interface ScheduledRunnerOptions {
  readonly checkpointName: string;
  readonly tickMs: number;
  readonly runTimeoutMs: number;
  readonly maxCatchUpRuns: number;
  readonly concurrency: number;
  readonly rulesPollMs: number;
  /** Most events one run reads (threshold by fields, new_terms); past it the run goes on with what it read, and says so. */
  readonly maxScanEvents: number;
  /** Most new_terms candidates one run checks against the history. */
  readonly maxCandidates: number;
}

export interface ScheduledRunnerDeps {
  readonly events: Pick<EventStore, 'search' | 'count'> & Pick<EventAnalytics, 'aggregate'>;
  readonly detection: Pick<DetectionStore, 'listRules' | 'rulesRevision' | 'writeAlerts'>;
  readonly state: Pick<SchedulerStateStore, 'readCheckpoint' | 'writeCheckpoint'>;
  readonly logger: Logger;
  readonly metrics: ScheduledMetrics;
  readonly onFenced: (error: StoreError) => void;
  /** Notifies the alerts a rule with `actions` created (not those written again by a repeated run). */
  readonly actions?: AlertActions;
  readonly wallClock?: () => number;
}

export function scheduledMetrics(metrics: MetricsRegistry) {
  return {
    runs: metrics.counter('siem_alerting_scheduled_runs_total', 'Scheduled rule runs, by rule and outcome (ok, failed, timeout).'),
    caughtUp: metrics.counter('siem_alerting_scheduled_missed_runs_total', 'Runs of a scheduled rule that were due while no scheduler was active and were run late, by rule.'),
    skipped: metrics.counter('siem_alerting_scheduled_skipped_runs_total', 'Runs missed during downtime beyond SIEM_ALERTING_MAX_CATCH_UP_RUNS: not run, by rule.'),
    truncated: metrics.counter('siem_alerting_scheduled_truncated_runs_total', 'Runs that read the most events or new_terms candidates one run may, and judged on those, by rule.'),
    alerts: metrics.counter('siem_alerting_scheduled_alerts_total', 'Alerts written by scheduled rules, by rule (a run repeated after a restart writes the same ids).'),
    seconds: metrics.counter('siem_alerting_scheduled_seconds_total', 'Time spent in scheduled rule runs, by rule.'),
    rules: metrics.gauge('siem_alerting_scheduled_rules', 'Scheduled rules running.'),
  };
}
export type ScheduledMetrics = ReturnType<typeof scheduledMetrics>;

interface CheckpointState {
  readonly version: 1;
  /** Rule id → the scheduled time of its last run that completed. */
  readonly lastRun: Record<string, number>;
}

class RunTimeout extends Error {}

const and = (...nodes: QueryNode[]): QueryAst => ({ root: { kind: 'and', children: nodes } });

const TENANT_FIELD = 'organization.id';
/** Most tenants a global rule without group fields counts apart in one run. */
const MAX_TENANTS = 10_000;

/** A rule stored without a tenant is `default`'s, as in the processor; `*` is global. */
function tenantOfRule(rule: ScheduledRule): string {
  const tenant = (rule as { tenant?: unknown }).tenant;
  return typeof tenant === 'string' ? tenant : DEFAULT_TENANT;
}

/** Every run groups by tenant too (as correlations do): a global rule's groups are per tenant, and every alert carries its tenant. */
function withTenant(fields: readonly string[]): readonly string[] {
  return fields.includes(TENANT_FIELD) ? fields : [...fields, TENANT_FIELD];
}

/**
 * Runs the scheduled query and new_terms rules while this scheduler is active. Each rule runs
 * at its scheduled times over [time - lookback, time); what completed is checkpointed per rule,
 * so after downtime the missed times run (the newest SIEM_ALERTING_MAX_CATCH_UP_RUNS of them,
 * the rest reported), and a run repeated after a crash writes the same alert ids. Runs of one
 * rule go in order; at most `concurrency` rules run at once, each bounded by runTimeoutMs.
 */
export function createScheduledRunner(options: ScheduledRunnerOptions, deps: ScheduledRunnerDeps) {
  const wall = deps.wallClock ?? Date.now;
  const log = deps.logger;
  let rules: ScheduledRule[] = [];
  let revision: string | undefined;
  let lastRun: Record<string, number> = {};
  let version = 0;
  let ticker: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let stopped = false;

  const loadRules = async (): Promise<void> => {
    const latest = await deps.detection.rulesRevision();
    if (latest === revision) return;
    rules = (await deps.detection.listRules({ enabled: true })).flatMap((entry) => (isScheduledRule(entry.rule) ? [entry.rule] : []));
    revision = latest;
    deps.metrics.rules.set({}, rules.length);
  };

  const scan = async (query: QueryAst, from: string, to: string, fields: readonly string[]): Promise<{ groups: RunGroup[]; truncated: boolean }> => {
    const counter = new GroupCounter(fields, options.maxCandidates * 10);
    let read = 0;
    let next: string | undefined;
    do {
      const page = await deps.events.search({ query, from, to, size: Math.min(1000, options.maxScanEvents - read), sort: 'desc', ...(next === undefined ? {} : { searchAfter: next }) });
      for (const hit of page.hits) counter.add(hit.id, hit.event);
      read += page.hits.length;
      next = page.hits.length > 0 ? page.next : undefined;
    } while (next !== undefined && read < options.maxScanEvents && !stopped);
    return { groups: counter.result(), truncated: next !== undefined || counter.dropped > 0 };
  };

  /** The tenants with events matching in the window, with their counts: the groups of a global rule without group fields. */
  const countsPerTenant = async (query: QueryAst, from: string, to: string): Promise<{ tenant: string; count: number }[]> => {
    const result = await deps.events.aggregate({ query, from, to, aggs: { tenants: { type: 'terms', field: TENANT_FIELD, size: MAX_TENANTS } } });
    const tenants = result.aggs.tenants as { buckets: { key: string | number; count: number }[] };
    return tenants.buckets.map((bucket) => ({ tenant: String(bucket.key), count: bucket.count }));
  };

  /**
   * The groups of one run that raise an alert. A tenant's rule reads only its tenant's events
   * (the query is filtered on organization.id in the store); a global rule (`*`) reads every
   * tenant's, grouped by tenant, so it judges each tenant apart and alerts once per tenant.
   */
  const evaluate = async (rule: ScheduledRule, runAt: number): Promise<{ groups: RunGroup[]; fields: readonly string[]; truncated: boolean }> => {
    const { scheduled } = rule;
    const tenant = tenantOfRule(rule);
    const ruleQuery = parseQuery(scheduled.query);
    const query = tenant === GLOBAL_TENANT ? ruleQuery : tenantQuery(ruleQuery, tenant);
    const windowStart = runAt - durationMs(scheduled.lookback);
    const from = new Date(windowStart).toISOString();
    const to = new Date(runAt - 1).toISOString();
    if (scheduled.type === 'query') {
      const by = scheduled.threshold?.by ?? [];
      if (by.length === 0) {
        const counts = tenant === GLOBAL_TENANT ? await countsPerTenant(query, from, to) : [{ tenant, count: await deps.events.count({ query, from, to }) }];
        const groups: RunGroup[] = [];
        for (const { tenant: owner, count } of counts) {
          if (!passesThreshold(rule, count)) continue;
          const sample = await deps.events.search({ query: tenantQuery(ruleQuery, owner), from, to, size: 10, sort: 'desc' });
          groups.push({ values: [owner], count, eventIds: sample.hits.map((hit) => hit.id) });
        }
        return { groups, fields: [TENANT_FIELD], truncated: false };
      }
      const fields = withTenant(by);
      const { groups, truncated } = await scan(query, from, to, fields);
      return { groups: groups.filter((group) => passesThreshold(rule, group.count)), fields, truncated };
    }
    const fields = withTenant(scheduled.fields!);
    const { groups, truncated } = await scan(query, from, to, fields);
    const candidates = groups.slice(0, options.maxCandidates);
    const historyFrom = new Date(windowStart - durationMs(scheduled.history!)).toISOString();
    const historyTo = new Date(windowStart - 1).toISOString();
    const fresh: RunGroup[] = [];
    for (const group of candidates) {
      if (stopped) break;
      const terms = fields.map((field, index): QueryNode => ({ kind: 'term', field, value: String(group.values[index]), phrase: true }));
      const seen = await deps.events.count({ query: and(query.root, ...terms), from: historyFrom, to: historyTo });
      if (seen === 0) fresh.push(group);
    }
    return { groups: fresh, fields, truncated: truncated || groups.length > candidates.length };
  };

  const alertOf = (rule: ScheduledRule, runAt: number, fields: readonly string[], group: RunGroup): StoredAlert => {
    const tags = rule.tags ?? [];
    const attack = attackFromTags(tags);
    const id = scheduledAlertId(rule.id, runAt, group.values);
    const values = Object.fromEntries(fields.map((field, index) => [field, group.values[index]]));
    const document: Record<string, unknown> = {
      '@timestamp': new Date(runAt).toISOString(),
      message: rule.title,
      rule: { id: rule.id, title: rule.title, level: rule.level, tags: [...tags] },
      threat: { technique: { id: attack.techniques }, tactic: { name: attack.tactics } },
      alert: { status: 'open', detected_at: new Date(wall()).toISOString() },
      event: { id: group.eventIds[0] ?? id, kind: 'alert' },
      scheduled: {
        type: rule.scheduled.type,
        run_at: new Date(runAt).toISOString(),
        window: { from: new Date(runAt - durationMs(rule.scheduled.lookback)).toISOString(), to: new Date(runAt).toISOString() },
        count: group.count,
        values,
        event_ids: group.eventIds,
      },
    };
    addPivotFields(document, values);
    return { id, alert: document as AlertDocument };
  };

  const runOnce = async (rule: ScheduledRule, runAt: number): Promise<void> => {
    const began = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RunTimeout(`the run took longer than ${options.runTimeoutMs} ms`)), options.runTimeoutMs);
    });
    try {
      const { groups, fields, truncated } = await Promise.race([evaluate(rule, runAt), deadline]);
      if (truncated) {
        deps.metrics.truncated.inc({ rule_id: rule.id });
        log.warn({ ruleId: rule.id, runAt: new Date(runAt).toISOString(), maxScanEvents: options.maxScanEvents, maxCandidates: options.maxCandidates }, 'A scheduled run read as many events or candidates as one run may; it judged on those.');
      }
      if (groups.length > 0) {
        const alerts = groups.map((group) => alertOf(rule, runAt, fields, group));
        const result = await Promise.race([deps.detection.writeAlerts(alerts), deadline]);
        const created = new Set(result.created ?? []);
        if (deps.actions && rule.actions?.length) for (const alert of alerts) if (created.has(alert.id)) deps.actions.dispatch(alert, rule);
        deps.metrics.alerts.inc({ rule_id: rule.id }, alerts.length);
        log.info({ ruleId: rule.id, runAt: new Date(runAt).toISOString(), alerts: alerts.length }, 'A scheduled rule raised alerts.');
      }
      deps.metrics.runs.inc({ rule_id: rule.id, outcome: 'ok' });
    } finally {
      clearTimeout(timer);
      deps.metrics.seconds.inc({ rule_id: rule.id }, (performance.now() - began) / 1000);
    }
  };

  /** A rule's due runs, in order; stops at the first failure, which is tried again at the next tick. */
  const runRule = async (rule: ScheduledRule, now: number): Promise<boolean> => {
    const last = lastRun[rule.id];
    if (last === undefined) {
      // A rule seen for the first time starts with its next scheduled time, not with its whole past.
      lastRun[rule.id] = now;
      return true;
    }
    const { runs, skipped } = runsBetween(rule, last, now, Math.max(1, options.maxCatchUpRuns));
    if (runs.length === 0) return false;
    if (skipped > 0) {
      deps.metrics.skipped.inc({ rule_id: rule.id }, skipped);
      log.warn({ ruleId: rule.id, skipped, since: new Date(last).toISOString() }, 'Runs of a scheduled rule missed during downtime exceed SIEM_ALERTING_MAX_CATCH_UP_RUNS; the oldest are not run.');
    }
    if (runs.length > 1) {
      deps.metrics.caughtUp.inc({ rule_id: rule.id }, runs.length - 1);
      log.info({ ruleId: rule.id, runs: runs.length, from: new Date(runs[0]!).toISOString(), to: new Date(runs.at(-1)!).toISOString() }, 'Running the missed windows of a scheduled rule.');
    }
    for (const runAt of runs) {
      if (stopped) return true;
      try {
        await runOnce(rule, runAt);
      } catch (error) {
        const outcome = error instanceof RunTimeout ? 'timeout' : 'failed';
        deps.metrics.runs.inc({ rule_id: rule.id, outcome });
        log.warn({ err: error, ruleId: rule.id, runAt: new Date(runAt).toISOString(), outcome }, 'A scheduled rule run failed; it is tried again at the next tick.');
        return true;
      }
      lastRun[rule.id] = runAt;
    }
    return true;
  };

  const tick = async (): Promise<void> => {
    await loadRules();
    const now = wall();
    const queue = [...rules];
    const present = new Set(rules.map((rule) => rule.id));
    let changed = Object.keys(lastRun).some((id) => !present.has(id));
    for (const id of Object.keys(lastRun)) if (!present.has(id)) delete lastRun[id];
    const worker = async () => {
      for (let rule = queue.shift(); rule !== undefined && !stopped; rule = queue.shift()) {
        if (await runRule(rule, now)) changed = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    if (!changed) return;
    try {
      version = await deps.state.writeCheckpoint(options.checkpointName, { version: 1, lastRun } satisfies CheckpointState, version);
    } catch (error) {
      if (error instanceof StoreError && error.code === StoreErrorCodes.conflict) {
        stopped = true;
        deps.onFenced(error);
        return;
      }
      log.warn({ err: error }, 'Writing the scheduled rules checkpoint failed; it is tried again.');
    }
  };

  return {
    async start() {
      stopped = false;
      const checkpoint = await deps.state.readCheckpoint(options.checkpointName);
      version = checkpoint?.version ?? 0;
      lastRun = { ...((checkpoint?.state as Partial<CheckpointState> | undefined)?.lastRun ?? {}) };
      await loadRules();
      log.info({ rules: rules.length, resumedFrom: checkpoint?.savedAt }, 'Scheduled rules run.');
      ticker = setInterval(() => {
        if (current) return;
        current = tick()
          .catch((error: unknown) => log.warn({ err: error }, 'A scheduled rules tick failed; the next one tries again.'))
          .finally(() => (current = undefined));
      }, options.tickMs);
    },
    async stop() {
      stopped = true;
      clearInterval(ticker);
      await current;
    },
  };
}

export type ScheduledRunner = ReturnType<typeof createScheduledRunner>;
