import type { BusProducer, BusRecord } from '@siem/bus';
import type { CompiledRuleSet } from '@siem/rules';
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
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export function createDetector(deps: DetectorDeps): Detector {
  const raised = deps.metrics.counter('siem_processor_alerts_total', 'Alerts raised by the detection rules (a redelivered event raises its alert again under the same id).');
  const rejected = deps.metrics.counter('siem_processor_alerts_rejected_total', 'Alerts the store refused for good.');
  const failures = deps.metrics.counter('siem_processor_detection_errors_total', 'Events the rule set failed on as a whole; the event is indexed without alerts.');

  return {
    begin() {
      const alerts: StoredAlert[] = [];
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
          for (const match of matches) alerts.push(buildAlert(match.rule, eventId, event, detectedAt));
        },
        async flush() {
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
