import type { BusProducer } from '@siem/bus';
import type { CompiledRuleSet, RuleCounters } from '@siem/rules';
import type { DetectionStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { Detector } from '../process-chunk';
import { createDetector, type DetectorDeps } from './detector';
import { watchRules } from './rule-watcher';

export interface WorkerDetectionDeps {
  readonly store: DetectionStore;
  readonly pollMs: number;
  /** Kafka deployments also produce each alert to this topic. */
  readonly alertsTopic?: { readonly producer: BusProducer; readonly topic: string };
  /** Matches of the rules that correlations name go here as signals, for the alerting scheduler. */
  readonly signalsTopic?: { readonly producer: BusProducer; readonly topic: string };
  /** Sends each new alert to its rule's actions. */
  readonly actions?: DetectorDeps['actions'];
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export interface WorkerDetection {
  readonly detector: Detector;
  /** Opens the store and compiles the enabled rules before the first chunk. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const COUNTERS: readonly { key: keyof RuleCounters; name: string; help: string; scale: number }[] = [
  { key: 'evaluated', name: 'siem_rule_evaluated_total', help: 'Events a detection rule was evaluated on (after routing by log source and its literal pre-filter), by rule.', scale: 1 },
  { key: 'matched', name: 'siem_rule_matched_total', help: 'Events a detection rule matched, by rule.', scale: 1 },
  { key: 'errors', name: 'siem_rule_errors_total', help: 'Events a detection rule failed on (counted, then the next rule runs), by rule.', scale: 1 },
  { key: 'nanoseconds', name: 'siem_rule_seconds_total', help: "Time spent in a detection rule's matcher, by rule.", scale: 1e-9 },
];

/**
 * A worker's detection: the rules kept compiled from the store, the per-chunk alert writer,
 * and per-rule counters that survive recompiles (a new set starts its own counters at 0).
 */
export function createWorkerDetection(deps: WorkerDetectionDeps): WorkerDetection {
  const counters = COUNTERS.map((spec) => ({ ...spec, counter: deps.metrics.counter(spec.name, spec.help) }));
  const reported = new Map<string, RuleCounters>();
  let live: CompiledRuleSet | undefined;
  const report = (): void => {
    if (!live) return;
    for (const [ruleId, now] of live.stats()) {
      const before = reported.get(ruleId);
      for (const { key, counter, scale } of counters) {
        const delta = now[key] - (before?.[key] ?? 0);
        // A rule's series appear from its first scrape on, at 0 until it is evaluated (its time is sampled).
        if (delta > 0 || before === undefined) counter.inc({ rule_id: ruleId }, delta * scale);
      }
      reported.set(ruleId, now);
    }
  };
  deps.metrics.onCollect(report);

  const watcher = watchRules({
    store: deps.store,
    pollMs: deps.pollMs,
    logger: deps.logger,
    onCompiled: (next) => {
      report();
      reported.clear();
      live = next;
    },
  });
  const detector = createDetector({
    rules: watcher.current,
    routing: watcher.routing,
    store: deps.store,
    alertsTopic: deps.alertsTopic,
    signalsTopic: deps.signalsTopic,
    actions: deps.actions,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  return {
    detector,
    async start() {
      await deps.store.ensureReady();
      await watcher.start();
    },
    async stop() {
      watcher.stop();
      await deps.store.close();
    },
  };
}
