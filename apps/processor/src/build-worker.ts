import { priorityTopic, type BusConsumer, type BusProducer } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { Enricher } from '@siem/enrich';
import type { Parser } from '@siem/parsers';
import type { EventStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { WorkerDetection } from './detection/worker-detection';
import { PriorityGate } from './priority-gate';
import { createChunkProcessor, type StageTimes } from './process-chunk';

export interface WorkerDeps {
  readonly consumer: BusConsumer;
  /** Reads the high priority topic (`<raw>.high`) in its own group; its chunks go before the raw topic's. */
  readonly highConsumer?: BusConsumer;
  readonly producer: BusProducer;
  readonly store: EventStore;
  readonly parser: Parser;
  readonly enricher: Enricher;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** The detection rules, run on every parsed event. */
  readonly detection?: WorkerDetection;
}

export interface ProcessorWorker {
  start(): Promise<void>;
  /** Finishes the chunk in progress, commits it and leaves the group. */
  stop(): Promise<void>;
}

export function buildWorker(config: SiemConfig, deps: WorkerDeps): ProcessorWorker {
  let running = false;
  const stageTimes: StageTimes = { parse: 0, index: 0, alerts: 0, deadLetters: 0 };
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
    detector: deps.detection?.detector,
    stageTimes,
  });
  const { highConsumer } = deps;
  const highBacklog = highConsumer?.hasBacklog?.bind(highConsumer);
  const gate = new PriorityGate(highBacklog ? { highBacklog } : {});
  return {
    async start() {
      await deps.store.ensureReady();
      await deps.detection?.start();
      await deps.producer.connect();
      await deps.consumer.connect();
      await highConsumer?.connect();
      running = true;
      const { rawTopic } = config.kafka;
      const { chunkSize } = config.processor;
      await highConsumer?.run({ topic: priorityTopic(rawTopic, 'high'), chunkSize, handleChunk: gate.high(handleChunk) });
      await deps.consumer.run({ topic: rawTopic, chunkSize, handleChunk: highConsumer ? gate.normal(handleChunk) : handleChunk });
    },
    async stop() {
      running = false;
      await Promise.all([deps.consumer.disconnect(), highConsumer?.disconnect()]);
      await deps.producer.disconnect();
      await deps.store.close();
      await deps.detection?.stop();
      deps.enricher.close();
      // What this worker took from the machine's cores, which it shares with the store and the bus, and
      // where its time went: the rest of its life it was reading the bus, committing, or waiting for records.
      const cpu = process.cpuUsage();
      const stagesMs = Object.fromEntries(Object.entries(stageTimes).map(([stage, ms]) => [stage, Math.round(ms)]));
      const storeLockWaitMs = Math.round(deps.store.writeLockWaitMs?.() ?? 0);
      deps.logger.info({ cpuMs: Math.round((cpu.user + cpu.system) / 1000), stagesMs, storeLockWaitMs }, 'The processor worker stopped.');
    },
  };
}
