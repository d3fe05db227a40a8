import { encodeRawRecord, type BusProducer } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { RawRecord } from '@siem/schema';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { startHttpIngest } from './inputs/http-ingest';
import type { InputContext, RunningInput } from './inputs/input';
import { startSyslogTcp } from './inputs/syslog-tcp';
import { startSyslogUdp } from './inputs/syslog-udp';
import { RecordBatcher } from './record-batcher';

export interface CollectorDeps {
  readonly producer: BusProducer;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export interface Collector {
  start(): Promise<readonly RunningInput[]>;
  /** Closes the inputs, then sends what is buffered. */
  stop(): Promise<void>;
}

export function buildCollector(config: SiemConfig, deps: CollectorDeps): Collector {
  const { logger, metrics } = deps;
  const received = metrics.counter('siem_collector_received_total', 'Records received, by input.');
  const rejected = metrics.counter('siem_collector_rejected_total', 'Records cut or refused at receipt, by input and reason.');
  const produced = metrics.counter('siem_collector_produced_total', 'Records made durable in the bus.');
  const lost = metrics.counter('siem_collector_unsent_total', 'Records the bus did not take after every retry.');

  const batcher = new RecordBatcher(
    async (records: RawRecord[]) => {
      await deps.producer.send(config.kafka.rawTopic, records.map(encodeRawRecord));
      produced.inc({}, records.length);
    },
    {
      maxRecords: config.collector.batchMaxRecords,
      lingerMs: config.collector.batchLingerMs,
      highWaterMark: config.collector.batchMaxRecords * 20,
      retryForMs: 30_000,
    },
  );
  batcher.on('retry', (error: Error, count: number) => logger.warn({ err: error, records: count }, 'Producing to the bus failed; retrying.'));
  batcher.on('give-up', (error: Error, count: number) => {
    lost.inc({}, count);
    logger.error({ err: error, records: count }, 'The bus did not take a batch after 30 s of retries; HTTP senders were told to retry.');
  });

  const context: InputContext = {
    logger,
    maxMessageBytes: config.collector.maxMessageBytes,
    accept(record) {
      received.inc({ input: record.input });
      const durable = batcher.add(record);
      // Datagram and stream senders cannot be told; the give-up is counted and logged above.
      durable.catch(() => undefined);
      return durable;
    },
    rejected: (input, reason) => rejected.inc({ input, reason }),
    isBackedUp: () => batcher.isFull(),
    onDrain: (listener) => batcher.on('drain', listener),
  };

  let inputs: RunningInput[] = [];
  return {
    async start() {
      const { host, syslogPort, httpPort } = config.collector;
      inputs = await Promise.all([startSyslogUdp(host, syslogPort, context), startSyslogTcp(host, syslogPort, context), startHttpIngest(host, httpPort, context)]);
      return inputs;
    },
    async stop() {
      await Promise.all(inputs.map((input) => input.close()));
      await batcher.flush();
    },
  };
}
