import type { BusProducer, BusRecord } from '@siem/bus';
import { encodeSignal, signalOf, signalRouting, type CompiledRuleSet, type Signal, type SignalRouting } from '@siem/rules';
import type { DetectionStore, StoredAlert } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { Detector } from '../process-chunk';
import { buildAlert } from './alert-document';

export interface DetectorDeps {
  /** The compiled enabled rules of the moment (they change between chunks without a restart). */
  readonly rules: () => CompiledRuleSet;
  readonly store: Pick<DetectionStore, 'writeAlerts'>;
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
            if (!routing.muted.has(match.rule.id)) alerts.push(buildAlert(match.rule, eventId, event, detectedAt));
          }
        },
        async flush() {
          // Before the chunk's offsets are committed, like the alerts: a crash sends them again, never loses them.
          if (signals.length > 0 && deps.signalsTopic) {
            await deps.signalsTopic.producer.send(deps.signalsTopic.topic, signals.map((signal) => ({ key: signal.eventId, value: encodeSignal(signal) })));
            signalled.inc({}, signals.length);
          }
          if (alerts.length === 0) return;
          const result = await deps.store.writeAlerts(alerts);
          if (deps.alertsTopic) {
            const records: BusRecord[] = alerts.map(({ id, alert }) => ({ key: id, value: Buffer.from(JSON.stringify({ id, ...alert })) }));
            await deps.alertsTopic.producer.send(deps.alertsTopic.topic, records);
          }
          raised.inc({}, alerts.length);
          if (result.rejected.length > 0) {
            rejected.inc({}, result.rejected.length);
            deps.logger.error({ rejected: result.rejected.slice(0, 5), count: result.rejected.length }, 'The store refused alerts.');
          }
        },
      };
    },
  };
}
