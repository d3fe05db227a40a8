import type { Bus } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { DetectionStore, EventAnalytics, EventStore, SchedulerStateStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { AlertActions } from './correlation-alert';
import { correlationMetrics } from './correlation-metrics';
import { createCorrelationRunner, type CorrelationRunner } from './correlation-runner';
import { keepLease } from './lease-keeper';
import { createScheduledRunner, scheduledMetrics, type ScheduledRunner } from './scheduled-runner';

/** The names of the scheduler's lease and checkpoint; its consumer group is the processor's with `-alerting` (siem-processor-alerting). */
export const SCHEDULER_LEASE = 'alerting-scheduler';
export const CORRELATION_CHECKPOINT = 'correlations';
export const SCHEDULED_CHECKPOINT = 'scheduled';
const SCHEDULED_TICK_MS = 1000;
const MAX_SCAN_EVENTS = 10_000;
const MAX_NEW_TERMS_CANDIDATES = 1000;
/**
 * Signals per chunk, and so per checkpoint on the embedded bus (it hands the next chunk only once
 * a checkpoint holds this one): with 10,000 groups per rule a checkpoint is tens of MB, so fewer
 * and larger chunks (the bus caps one at 8 MB) cost less; a crash re-reads at most one chunk. Kafka
 * cuts chunks from its fetched batches, smaller than this.
 */
export const SIGNAL_CHUNK = 25_000;

/**
 * The configuration the scheduler's bus is made from: its one consumer (signals) gets the
 * scheduler's own session timeout, short, so that after a SIGKILL the coordinator drops the
 * dead member and hands the partitions to the new active scheduler within seconds, while the
 * processor keeps a longer timeout that tolerates slow bulk requests.
 */
export function schedulerBusConfig(config: SiemConfig): SiemConfig {
  const sessionTimeoutMs = config.alerting.sessionTimeoutMs;
  return { ...config, kafka: { ...config.kafka, sessionTimeoutMs, heartbeatIntervalMs: Math.min(config.kafka.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3)) } };
}

export interface AlertingDeps {
  readonly bus: Pick<Bus, 'consumer' | 'positions'>;
  readonly detection: DetectionStore;
  /** The events, which scheduled rules query. */
  readonly events: Pick<EventStore, 'search' | 'count' | 'ensureReady' | 'close'> & Pick<EventAnalytics, 'aggregate'>;
  readonly state: SchedulerStateStore;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Notifications of the alerts whose rule has `actions`. */
  readonly actions?: AlertActions;
  /** This process's name in the lease: unique per process. */
  readonly holder: string;
}

export interface AlertingStatus {
  readonly role: 'active' | 'standby' | 'starting';
  readonly storeFailing: boolean;
}

export interface Alerting {
  /** Opens the stores and starts trying for the lease; the work starts when this process holds it. */
  start(): Promise<void>;
  /** Stops the work, checkpoints, gives the lease up and closes the stores. */
  stop(): Promise<void>;
  status(): AlertingStatus;
}

/**
 * The alerting scheduler: every instance tries for one lease in the store; the one that holds
 * it runs the correlations over the signals topic, the others stand by and take over within
 * two lease periods of its death, resuming from its checkpoint.
 */
export function buildAlerting(config: SiemConfig, deps: AlertingDeps): Alerting {
  const metrics = correlationMetrics(deps.metrics);
  const scheduled = scheduledMetrics(deps.metrics);
  const active = deps.metrics.gauge('siem_alerting_active', '1 while this scheduler holds the lease and runs the rules, 0 while it stands by.');
  const takeovers = deps.metrics.counter('siem_alerting_takeovers_total', 'Times this process took the scheduler lease.');
  active.set({}, 0);
  let runner: CorrelationRunner | undefined;
  let scheduledRunner: ScheduledRunner | undefined;

  const stopRunner = async () => {
    const [current, currentScheduled] = [runner, scheduledRunner];
    runner = undefined;
    scheduledRunner = undefined;
    active.set({}, 0);
    await Promise.all([current?.stop(), currentScheduled?.stop()]);
  };

  const keeper = keepLease({
    store: deps.state,
    name: SCHEDULER_LEASE,
    holder: deps.holder,
    leaseMs: config.alerting.leaseMs,
    logger: deps.logger,
    onAcquired: async () => {
      takeovers.inc();
      const next = createCorrelationRunner(
        {
          signalsTopic: config.kafka.signalsTopic,
          groupId: `${config.kafka.consumerGroup}-alerting`,
          checkpointName: CORRELATION_CHECKPOINT,
          tickMs: config.alerting.tickMs,
          allowedLatenessMs: config.alerting.allowedLatenessMs,
          checkpointMs: config.alerting.checkpointMs,
          maxGroupsPerRule: config.alerting.maxGroupsPerRule,
          rulesPollMs: config.processor.rulesPollMs,
          chunkSize: SIGNAL_CHUNK,
        },
        {
          bus: deps.bus,
          detection: deps.detection,
          state: deps.state,
          logger: deps.logger,
          metrics,
          actions: deps.actions,
          onFenced: (error) => {
            deps.logger.error({ err: error, code: error.code }, 'Another scheduler wrote the correlation checkpoint: this one stops and gives its lease up.');
            keeper.drop('fenced off by another scheduler');
          },
        },
      );
      const nextScheduled = createScheduledRunner(
        {
          checkpointName: SCHEDULED_CHECKPOINT,
          tickMs: SCHEDULED_TICK_MS,
          runTimeoutMs: config.alerting.runTimeoutMs,
          maxCatchUpRuns: config.alerting.maxCatchUpRuns,
          concurrency: config.alerting.concurrency,
          rulesPollMs: config.processor.rulesPollMs,
          maxScanEvents: MAX_SCAN_EVENTS,
          maxCandidates: MAX_NEW_TERMS_CANDIDATES,
        },
        {
          events: deps.events,
          detection: deps.detection,
          state: deps.state,
          logger: deps.logger,
          metrics: scheduled,
          actions: deps.actions,
          onFenced: (error) => {
            deps.logger.error({ err: error, code: error.code }, 'Another scheduler wrote the scheduled rules checkpoint: this one stops and gives its lease up.');
            keeper.drop('fenced off by another scheduler');
          },
        },
      );
      runner = next;
      scheduledRunner = nextScheduled;
      await next.start();
      await nextScheduled.start();
      active.set({}, 1);
    },
    onLost: stopRunner,
  });

  return {
    async start() {
      await deps.detection.ensureReady();
      await deps.state.ensureReady();
      await deps.events.ensureReady();
      keeper.start();
    },
    async stop() {
      await keeper.stop();
      await stopRunner();
      await deps.detection.close();
      await deps.state.close();
      await deps.events.close();
    },
    status: () => ({ role: keeper.role(), storeFailing: keeper.storeFailing() }),
  };
}
