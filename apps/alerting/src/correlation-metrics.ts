import type { CorrelationStats } from '@siem/rules';
import type { MetricsRegistry } from '@siem/telemetry';

/** The scheduler's correlation counters, kept across the runs of one process (each takeover starts a new engine). */
export function correlationMetrics(metrics: MetricsRegistry) {
  const evicted = metrics.counter('siem_alerting_groups_evicted_total', 'Groups a correlation rule dropped, stalest first, at its cap (SIEM_ALERTING_MAX_GROUPS), by rule.');
  const late = metrics.counter('siem_alerting_signals_late_total', 'Signals older than the correlation clock minus the allowed lateness: dropped.');
  const duplicates = metrics.counter('siem_alerting_signals_duplicate_total', 'Signals seen twice (same rule and event) before they were final: counted once.');
  const groups = metrics.gauge('siem_alerting_groups', 'Groups (group-by values) each correlation rule holds now.');
  const pending = metrics.gauge('siem_alerting_signals_pending', 'Signals waiting for the clock to pass them plus the allowed lateness.');
  let last: CorrelationStats | undefined;
  let baseline = new Map<string, number>();
  return {
    signals: metrics.counter('siem_alerting_signals_total', 'Signals read from the signals topic and given to the correlation engine.'),
    invalid: metrics.counter('siem_alerting_signals_invalid_total', 'Records of the signals topic that are not signals: dropped.'),
    replayed: metrics.counter('siem_alerting_signals_replayed_total', 'Signals read again after a restart or takeover that the checkpoint already held: skipped.'),
    alerts: metrics.counter('siem_alerting_alerts_total', 'Correlation alerts written, by rule (a window replayed after a restart writes its alert again under the same id).'),
    alertWriteFailures: metrics.counter('siem_alerting_alert_write_failures_total', 'Attempts to write correlation alerts that failed; they are retried and nothing is checkpointed past them.'),
    checkpoints: metrics.counter('siem_alerting_checkpoints_total', 'Checkpoints written (correlation state and signal positions).'),
    checkpointFailures: metrics.counter('siem_alerting_checkpoint_failures_total', 'Checkpoint writes that failed and were retried.'),
    checkpointBytes: metrics.gauge('siem_alerting_checkpoint_bytes', 'Size of the last checkpoint written.'),
    rules: metrics.gauge('siem_alerting_correlation_rules', 'Correlation rules running.'),
    /** Takes the engine's cumulative counts (restored from the checkpoint by a new engine, so only growth is added). */
    report(stats: CorrelationStats, fresh: boolean): void {
      if (fresh) {
        baseline = new Map(stats.rules.map((rule) => [rule.id, rule.evicted]));
        last = stats;
      }
      const previous = last ?? stats;
      late.inc({}, Math.max(0, stats.late - previous.late));
      duplicates.inc({}, Math.max(0, stats.duplicates - previous.duplicates));
      groups.reset();
      for (const rule of stats.rules) {
        groups.set({ rule_id: rule.id }, rule.groups);
        const before = baseline.get(rule.id) ?? 0;
        if (rule.evicted > before) evicted.inc({ rule_id: rule.id }, rule.evicted - before);
        baseline.set(rule.id, rule.evicted);
      }
      pending.set({}, stats.pending);
      last = stats;
    },
  };
}

export type CorrelationMetrics = ReturnType<typeof correlationMetrics>;
