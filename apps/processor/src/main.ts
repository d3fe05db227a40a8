import cluster from 'node:cluster';
import { KafkaBusConsumer, KafkaBusProducer, createKafka, ensureKafkaTopics } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { createParser } from '@siem/parsers';
import { OpenSearchStore } from '@siem/store';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildWorker } from './build-worker';
import { SHUTDOWN_MESSAGE, Supervisor } from './supervisor';

const config = loadConfig();

if (cluster.isPrimary) {
  const logger = createLogger('processor', config.log.level);
  try {
    const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-processor`, logger });
    await ensureKafkaTopics(kafka, [
      { topic: config.kafka.rawTopic, partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor },
      { topic: config.kafka.deadLetterTopic, partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor },
    ]);
  } catch (error) {
    logger.fatal({ err: error }, 'The processor could not prepare its topics.');
    process.exit(1);
  }
  const supervisor = new Supervisor({ workers: config.processor.workers, logger, shutdownGraceMs: 60_000 });
  supervisor.start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping the processor: workers finish their chunk and commit.');
    await supervisor.stop();
    logger.info('Every processor worker has stopped.');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} else {
  const logger = createLogger('processor-worker', config.log.level);
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-processor`, logger });
  const worker = buildWorker(config, {
    consumer: new KafkaBusConsumer(kafka, config.kafka.consumerGroup),
    producer: new KafkaBusProducer(kafka),
    store: new OpenSearchStore(config.opensearch),
    parser: createParser('auto', { maxMessageBytes: config.collector.maxMessageBytes, timezone: config.processor.syslogTimezone, keepOriginal: config.processor.keepOriginal }),
    logger,
    metrics: new MetricsRegistry(),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    process.exit(0);
  };
  // The primary coordinates shutdown; a worker ignores the terminal's SIGINT and waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void stop());
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) void stop();
  });
  try {
    await worker.start();
    logger.info({ group: config.kafka.consumerGroup, topic: config.kafka.rawTopic }, 'The processor worker is consuming.');
  } catch (error) {
    logger.fatal({ err: error }, 'The processor worker could not start.');
    process.exit(1);
  }
}
