import { createBus } from '@siem/bus';
import { loadConfig } from '@siem/config';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildCollector } from './build-collector';

const config = loadConfig();
const logger = createLogger('collector', config.log.level);
const bus = createBus(config, logger, 'collector');

try {
  const created = await bus.ensureTopics();
  if (created.length) logger.info({ topics: created, partitions: config.kafka.partitions, bus: bus.kind }, 'Created the missing topics.');
  const producer = bus.producer();
  await producer.connect();
  const collector = buildCollector(config, { producer, logger, metrics: new MetricsRegistry() });
  const inputs = await collector.start();
  logger.info({ inputs: inputs.map((i) => i.address), topic: config.kafka.rawTopic, bus: bus.kind }, 'The collector is listening.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping the collector: closing inputs and sending buffered records.');
    await collector.stop();
    await producer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'The collector could not start.');
  process.exit(1);
}
