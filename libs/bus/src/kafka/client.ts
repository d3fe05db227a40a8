import lz4Module from '@2l/kafkajs-lz4';
import kafkajs, { type Kafka as KafkaClient, type LogEntry } from 'kafkajs';
import type { Logger } from '@siem/telemetry';

// Both packages are CommonJS; Node's ESM loader exposes only their default export.
const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;
const LZ4Codec = (lz4Module as unknown as { default?: typeof lz4Module }).default ?? lz4Module;

let lz4Registered = false;

/** kafkajs ships no LZ4 codec; register the napi one once per process. */
function registerLz4(): void {
  if (lz4Registered) return;
  CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
  lz4Registered = true;
}

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /**
   * Retries of every request, metadata and connection included (default 8,
   * about a minute of backoff). The collector's producer uses few, so that an
   * outage reaches its disk spool in seconds.
   */
  readonly retries?: number;
}

export function createKafka(options: KafkaClientOptions): KafkaClient {
  registerLz4();
  const kafkaLogger = options.logger.child({ lib: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    retry: options.retries === undefined ? { initialRetryTime: 200, retries: 8 } : { initialRetryTime: 200, retries: options.retries, maxRetryTime: 2_000 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...fields } = log;
        // A client with few retries belongs to a caller that reports outages itself; kafkajs would log every reconnect.
        kafkaLogger[options.retries === undefined ? (pinoLevel[level] ?? 'info') : 'debug'](fields, message);
      },
  });
}
