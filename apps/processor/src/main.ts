import cluster from 'node:cluster';
import { createBus, priorityGroup } from '@siem/bus';
import { createEnricher } from '@siem/enrich';
import { EmbeddedSenderStore, OpenSearchSenderStore, SenderJoin } from '@siem/fleet';
import { loadConfig } from '@siem/config';
import { createInputRouter, loadParserRoutesFile, parseRoutePairs } from '@siem/parsers';
import { createActionDispatcher, sharedThrottle } from '@siem/actions';
import { createActionDeadLetterStore, createDetectionStore, createSchedulerStateStore, createStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildWorker } from './build-worker';
import { withSenders } from './sender-enricher';
import { createWorkerDetection } from './detection/worker-detection';
import { SHUTDOWN_MESSAGE, Supervisor, WORKER_SLOT_VARIABLE } from './supervisor';
import { answerMetricsRequests, serveWorkerMetrics, type ProcessorMetricsServer } from './worker-metrics';

const config = loadConfig();
const RETENTION_INTERVAL_MS = 10 * 60_000;

/** The parser of each input, from SIEM_PARSERS and SIEM_PARSERS_FILE; throws ParserSetupError on a bad route. */
function createPipelineParser() {
  const { parsers, parsersFile, syslogTimezone, keepOriginal } = config.processor;
  const routes = { ...parseRoutePairs(parsers), ...(parsersFile === undefined ? {} : loadParserRoutesFile(parsersFile)) };
  return createInputRouter(routes, { maxMessageBytes: config.collector.maxMessageBytes, timezone: syslogTimezone, keepOriginal });
}

if (cluster.isPrimary) {
  const logger = createLogger('processor', config.log.level);
  // Fail at start, once, rather than in every worker on a loop of restarts.
  const store = createStore(config);
  const bus = createBus(config, logger, 'processor');
  try {
    createPipelineParser();
    createEnricher(config.enrich, { logger }).close();
    await bus.ensureTopics();
    await store.ensureReady();
    const detection = createDetectionStore(config);
    await detection.ensureReady();
    await detection.close();
  } catch (error) {
    logger.fatal({ err: error, code: (error as { code?: string }).code }, 'The processor could not prepare its parsers, enrichment files, topics or store.');
    process.exit(1);
  }
  const supervisor = new Supervisor({ workers: config.processor.workers, workerSemiSpaceMb: config.processor.workerSemiSpaceMb, logger, shutdownGraceMs: 60_000 });
  supervisor.start();
  let metricsServer: ProcessorMetricsServer | undefined;
  const liveWorkers = () => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
  try {
    metricsServer = await serveWorkerMetrics(liveWorkers, config.api.host, config.processor.metricsPort);
  } catch (error) {
    // Metrics are not worth stopping the pipeline for: the events keep flowing, the log says why there are none.
    logger.error({ err: error, port: config.processor.metricsPort }, 'The processor metrics endpoint could not listen; set SIEM_PROCESSOR_METRICS_PORT to a free port.');
  }
  const applyRetention = () => {
    bus.applyRetention().then(
      (result) => result.deletedSegments > 0 && logger.info(result, 'Deleted log segments past retention.'),
      (error: unknown) => logger.error({ err: error }, 'Applying the bus retention failed; it is tried again later.'),
    );
    store.applyRetention().then(
      (deleted) => deleted.length > 0 && logger.info({ deleted }, 'Deleted event days past retention.'),
      (error: unknown) => logger.error({ err: error }, 'Applying the store retention failed; it is tried again later.'),
    );
  };
  // At start, so that a deployment that was down past a day boundary does not keep expired days for another interval.
  applyRetention();
  const retention = setInterval(applyRetention, RETENTION_INTERVAL_MS);
  retention.unref();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping the processor: workers finish their chunk and commit.');
    clearInterval(retention);
    await supervisor.stop();
    await metricsServer?.close();
    await store.close();
    logger.info('Every processor worker has stopped.');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} else {
  const logger = createLogger('processor-worker', config.log.level);
  const bus = createBus(config, logger, 'processor');
  const producer = bus.producer();
  const metrics = new MetricsRegistry();
  answerMetricsRequests(metrics);
  const deadLetters = createActionDeadLetterStore(config);
  // Throttles are counted in the store every worker and the scheduler share, so N workers still send at most max per window.
  const throttleState = createSchedulerStateStore(config);
  const actions = createActionDispatcher({ deadLetters, producer, logger, metrics, throttle: sharedThrottle(throttleState) });
  const senders = new SenderJoin({
    store: config.deployment.store === 'opensearch' ? new OpenSearchSenderStore(config.opensearch.url, config.opensearch.indexPrefix) : new EmbeddedSenderStore({ dataDir: config.deployment.dataDir }),
    refreshMs: config.processor.sendersRefreshS * 1000,
    logger,
  });
  const member = { index: Number(process.env[WORKER_SLOT_VARIABLE] ?? 0), count: config.processor.workers };
  const worker = buildWorker(config, {
    consumer: bus.consumer(member),
    highConsumer: bus.consumer(member, priorityGroup(config.kafka.consumerGroup, 'high')),
    producer,
    store: createStore(config, logger),
    parser: createPipelineParser(),
    enricher: withSenders(createEnricher(config.enrich, { logger }), senders),
    logger,
    metrics,
    detection: createWorkerDetection({
      store: createDetectionStore(config),
      pollMs: config.processor.rulesPollMs,
      // Downstream tools read alerts from Kafka; the embedded deployment has none, its API serves them.
      alertsTopic: bus.kind === 'kafka' ? { producer, topic: config.kafka.alertsTopic } : undefined,
      signalsTopic: { producer, topic: config.kafka.signalsTopic },
      actions,
      logger,
      metrics,
    }),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    // Notifications still waiting become dead letters, to resend from the API.
    await actions.stop();
    await deadLetters.close();
    await throttleState.close();
    process.exit(0);
  };
  // The primary coordinates shutdown; a worker ignores the terminal's SIGINT and waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void stop());
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) void stop();
  });
  try {
    await deadLetters.ensureReady();
    await senders.start();
    await worker.start();
    // The CPU spent starting up, so that what a run costs can be told apart from it.
    const cpu = process.cpuUsage();
    logger.info({ group: config.kafka.consumerGroup, topic: config.kafka.rawTopic, bus: bus.kind, cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, 'The processor worker is consuming.');
  } catch (error) {
    logger.fatal({ err: error }, 'The processor worker could not start.');
    process.exit(1);
  }
}
