import type { BusProducer, BusRecord } from '@siem/bus';
import { encodeSignal, signalOf, signalRouting, type CompiledRuleSet, type Rule, type Signal, type SignalRouting } from '@siem/rules';
import type { DetectionStore, StoredAlert } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { Detector } from '../process-chunk';
import { buildAlert, suppressAlert } from './alert-document';

export interface DetectorDeps {
  /** The compiled enabled rules of the moment (they change between chunks without a restart). */
  readonly rules: () => CompiledRuleSet;
  readonly store: Pick<DetectionStore, 'writeAlerts' | 'mergeAlerts'>;
  /** Notifications of the alerts a chunk created (libs/actions' dispatcher: it queues, never waits on a receiver). */
  readonly actions?: { dispatch(alert: StoredAlert, rule: Rule): void };
  /** Cluster mode: each alert also goes to this topic, for downstream tools. */
  readonly alertsTopic?: { readonly producer: BusProducer; readonly topic: string };
  /** Which rules feed correlations and which are muted; without it (or without signalsTopic) every match is an alert and no signal is sent. */
  readonly routing?: () => SignalRouting;
  /** Where the matches of the rules that feed correlations go, as signals for the alerting scheduler (both buses). */
  readonly signalsTopic?: { readonly producer: BusProducer; readonly topic: string };
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export function createDetector(deps: DetectorDeps): Detector {
  const raised = deps.metrics.counter('siem_processor_alerts_total', 'Alerts raised by the detection rules (a redelivered event raises its alert again under the same id).');
  const rejected = deps.metrics.counter('siem_processor_alerts_rejected_total', 'Alerts the store refused for good.');
  const failures = deps.metrics.counter('siem_processor_detection_errors_total', 'Events the rule set failed on as a whole; the event is indexed without alerts.');
  const signalled = deps.metrics.counter('siem_processor_signals_total', 'Matches of rules that correlations name, sent to the alerting scheduler as signals (a redelivered event sends its signal again; the scheduler counts it once).');
  const noRouting = signalRouting([], []);
  const routingOf = deps.routing !== undefined && deps.signalsTopic !== undefined ? deps.routing : () => noRouting;

  return {
    begin() {
      const alerts: StoredAlert[] = [];
      // Matches of rules with suppression: the store merges them into one alert per group and window.
      const suppressed: StoredAlert[] = [];
      const rulesOf = new Map<string, Rule>();
      const signals: Signal[] = [];
      const routing = routingOf();
      let detectedAt: string | undefined;
      return {
        inspect(event, eventId) {
          let matches;
          try {
            matches = deps.rules().match(event);
          } catch (error) {
            failures.inc();
            deps.logger.debug({ err: error, eventId }, 'The detection rules failed on an event.');
            return;
          }
          if (matches.length === 0) return;
          detectedAt ??= new Date().toISOString();
          for (const match of matches) {
            const fields = routing.feeds.get(match.rule.id);
            if (fields !== undefined) signals.push(signalOf(match.rule.id, match.rule.name, eventId, event, fields, Date.parse(detectedAt)));
            if (routing.muted.has(match.rule.id)) continue;
            const built = buildAlert(match.rule, eventId, event, detectedAt);
            const alert = match.rule.suppression ? suppressAlert(built, match.rule.id, match.rule.suppression, event) : built;
            (match.rule.suppression ? suppressed : alerts).push(alert);
            if (deps.actions && match.rule.actions?.length) rulesOf.set(alert.id, match.rule);
          }
        },
        async flush() {
          // Before the chunk's offsets are committed, like the alerts: a crash sends them again, never loses them.
          if (signals.length > 0 && deps.signalsTopic) {
            await deps.signalsTopic.producer.send(deps.signalsTopic.topic, signals.map((signal) => ({ key: signal.eventId, value: encodeSignal(signal) })));
            signalled.inc({}, signals.length);
          }
          if (alerts.length === 0 && suppressed.length === 0) return;
          const written = await deps.store.writeAlerts(alerts);
          const merged = await deps.store.mergeAlerts(suppressed);
          const all = alerts.concat(suppressed);
          if (deps.alertsTopic) {
            const records: BusRecord[] = all.map(({ id, alert }) => ({ key: id, value: Buffer.from(JSON.stringify({ id, ...alert })) }));
            await deps.alertsTopic.producer.send(deps.alertsTopic.topic, records);
          }
          raised.inc({}, all.length);
          const refused = written.rejected.concat(merged.rejected);
          if (refused.length > 0) {
            rejected.inc({}, refused.length);
            deps.logger.error({ rejected: refused.slice(0, 5), count: refused.length }, 'The store refused alerts.');
          }
          if (deps.actions && rulesOf.size > 0) {
            // Only alerts this chunk created: a redelivered event or one more match of a suppressed group notifies no one again.
            const created = new Set([...(written.created ?? []), ...(merged.created ?? [])]);
            for (const alert of all) {
              const rule = rulesOf.get(alert.id);
              if (rule && created.delete(alert.id)) deps.actions.dispatch(alert, rule);
            }
          }
        },
      };
    },
  };
}
