import path from 'node:path';
import { DiskSpool, createBus, rawRecordCount } from '@siem/bus';
import { ApiKeys, createKeyStore } from '@siem/auth';
import { loadConfig } from '@siem/config';
import { EdgePipelines, PriorityClassifier, readEdgeConfigFile, readPriorityRulesFile } from '@siem/edge';
import { RAW_HEADERS } from '@siem/schema';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { buildCollector } from './build-collector';
import { createCentralConfig } from './central-config';
import { createHeartbeatSender } from './heartbeat-sender';
import { collectorIdentity } from './identity';

const config = loadConfig();
const logger = createLogger('collector', config.log.level);
const bus = createBus(config, logger, 'collector');

try {
  const created = await bus.ensureTopics();
  if (created.length) logger.info({ topics: created, partitions: config.kafka.partitions, bus: bus.kind }, 'Created the missing topics.');
  // Few in-client retries: an outage should reach the disk spool in seconds.
  const producer = bus.producer({ retries: 2 });
  await producer.connect();
  const spool = await DiskSpool.open({
    // `siem agent` (no listeners) runs beside the collector on the same data directory, so it needs a spool of its own.
    dir: path.resolve(config.deployment.dataDir, config.collector.listen ? 'collector-spool' : 'agent-spool'),
    maxBytes: config.collector.spoolMb * 1024 * 1024,
    label: (record) => record.headers?.[RAW_HEADERS.input] ?? 'unknown',
    weight: rawRecordCount,
    logger,
  });
  const metrics = new MetricsRegistry();
  const identity = collectorIdentity(config);
  const edgeFile = config.collector.edgePipelinesFile;
  // With central configuration the API's edge pipelines replace these at the first fetch.
  const edge = edgeFile === undefined ? undefined : new EdgePipelines(await readEdgeConfigFile(edgeFile), { name: identity.id, hostname: identity.hostname, type: identity.role });
  // Ingest keys created through the API (role ingest) are accepted on the HTTP input, with their tenant.
  const apiKeys = new ApiKeys(createKeyStore(config), { onBackgroundError: (error) => logger.warn({ err: error }, 'Recording an ingest key\'s last use failed.') });
  const verifyKey = async (key: string) => apiKeys.verify(key).catch((error: unknown) => {
    logger.warn({ err: error }, 'The key store could not be read; the key is refused.');
    return undefined;
  });
  const priorityFile = config.collector.priorityRulesFile;
  const priority = priorityFile === undefined ? undefined : new PriorityClassifier(await readPriorityRulesFile(priorityFile));
  const collector = buildCollector(config, { producer, spool, logger, metrics, verifyKey, ...(edge && { edge }), ...(priority && { priority }) });
  const inputs = await collector.start();
  const { centralApiUrl } = config.collector;
  const observer = { name: identity.id, hostname: identity.hostname, type: identity.role };
  const central =
    centralApiUrl === undefined
      ? undefined
      : createCentralConfig({
          apiUrl: centralApiUrl.replace(/\/+$/, ''),
          agentId: identity.id,
          ...(config.collector.enrolmentKey && { enrolmentKey: config.collector.enrolmentKey }),
          keyFile: path.resolve(config.deployment.dataDir, config.collector.listen ? 'collector.key' : 'agent.key'),
          pollS: config.collector.configPollS,
          runningVersion: () => collector.edge.version,
          apply: (edgeConfig) => collector.edge.replace(new EdgePipelines(edgeConfig, observer)),
          logger,
        });
  await central?.start();
  const heartbeat = createHeartbeatSender({
    producer,
    topic: config.kafka.agentsTopic,
    identity,
    tenant: 'default',
    intervalS: config.collector.heartbeatIntervalS,
    spool,
    spoolMaxBytes: config.collector.spoolMb * 1024 * 1024,
    inputs: () => inputs.map((input) => input.address),
    configVersion: () => collector.edge.version,
    ...(central && { problem: central.problem }),
    logger,
  });
  heartbeat.start();
  logger.info({ inputs: inputs.map((i) => i.address), metrics: `${config.collector.host}:${config.collector.metricsPort}/metrics`, topic: config.kafka.rawTopic, bus: bus.kind }, 'The collector is listening.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping the collector: closing inputs and sending buffered records.');
    heartbeat.stop();
    central?.stop();
    await collector.stop();
    await spool.close();
    await producer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'The collector could not start.');
  process.exit(1);
}
