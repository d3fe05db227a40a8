import type { BusConsumer, BusProducer } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { Enricher } from '@siem/enrich';
import type { Parser } from '@siem/parsers';
import type { EventStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { createChunkProcessor } from './process-chunk';

export interface WorkerDeps {
  readonly consumer: BusConsumer;
  readonly producer: BusProducer;
  readonly store: EventStore;
  readonly parser: Parser;
  readonly enricher: Enricher;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export interface ProcessorWorker {
  start(): Promise<void>;
  /** Finishes the chunk in progress, commits it and leaves the group. */
  stop(): Promise<void>;
}

export function buildWorker(config: SiemConfig, deps: WorkerDeps): ProcessorWorker {
  let running = false;
  const handleChunk = createChunkProcessor({
    parser: deps.parser,
    enricher: deps.enricher,
    store: deps.store,
    producer: deps.producer,
    deadLetterTopic: config.kafka.deadLetterTopic,
    bulkSize: config.processor.chunkSize,
    logger: deps.logger,
    metrics: deps.metrics,
    shouldRetry: () => running,
  });
  return {
    async start() {
      await deps.store.ensureReady();
      await deps.producer.connect();
      await deps.consumer.connect();
      running = true;
      await deps.consumer.run({ topic: config.kafka.rawTopic, chunkSize: config.processor.chunkSize, handleChunk });
    },
    async stop() {
      running = false;
      await deps.consumer.disconnect();
      await deps.producer.disconnect();
      await deps.store.close();
      deps.enricher.close();
      // What this worker took from the machine's cores, which it shares with the store and the bus.
      const cpu = process.cpuUsage();
      deps.logger.info({ cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, 'The processor worker stopped.');
    },
  };
}
