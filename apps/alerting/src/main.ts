import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createActionDispatcher, sharedThrottle } from '@siem/actions';
import { createBus } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { createActionDeadLetterStore, createDetectionStore, createSchedulerStateStore, createStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildAlerting, schedulerBusConfig } from './build-alerting';
import { serveHealth, type HealthServer } from './health-server';

const config = loadConfig();
const logger = createLogger('alerting', config.log.level);
const bus = createBus(schedulerBusConfig(config), logger, 'alerting');
const metrics = new MetricsRegistry();
const holder = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const actionsProducer = bus.producer();
// Throttles are shared with the processor workers through the state store (its own connection: the scheduler's closes at stop while deliveries finish).
const throttleState = createSchedulerStateStore(config);
const actions = createActionDispatcher({ deadLetters: createActionDeadLetterStore(config), producer: actionsProducer, logger, metrics, throttle: sharedThrottle(throttleState) });
const alerting = buildAlerting(config, { bus, detection: createDetectionStore(config), state: createSchedulerStateStore(config), events: createStore(config, logger), actions, logger, metrics, holder });

let health: HealthServer | undefined;
try {
  await bus.ensureTopics();
  await actionsProducer.connect();
  await alerting.start();
} catch (error) {
  logger.fatal({ err: error, code: (error as { code?: string }).code }, 'The alerting scheduler could not prepare its topics or stores.');
  process.exit(1);
}
try {
  health = await serveHealth(alerting.status, metrics, config.api.host, config.alerting.metricsPort);
} catch (error) {
  logger.error({ err: error, port: config.alerting.metricsPort }, 'The alerting health and metrics endpoint could not listen; set SIEM_ALERTING_METRICS_PORT to a free port.');
}
logger.info({ holder, bus: bus.kind, store: config.deployment.store, leaseMs: config.alerting.leaseMs, metrics: health?.url }, 'The alerting scheduler started; it runs the rules while it holds the lease.');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'Stopping the alerting scheduler: it checkpoints and gives its lease up.');
  await alerting.stop();
  await actions.stop();
  await throttleState.close();
  await actionsProducer.disconnect();
  await health?.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
