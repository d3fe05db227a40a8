import { createBus, replayDeadLetters, type DeadLetterFilter, type ReplayProgress } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';

export interface ReplayCommandOptions {
  readonly filter: DeadLetterFilter;
  /**
   * Re-read the whole dead-letter topic instead of what arrived since the last
   * replay. Safe: replayed events keep their original ids, so nothing doubles.
   */
  readonly all: boolean;
  readonly idleSeconds: number;
  readonly progress: NodeJS.WritableStream;
}

/** The consumer group of `siem dlq replay`; its committed offsets mark what was replayed already. */
export function replayGroup(config: SiemConfig, all: boolean, now = Date.now()): string {
  return all ? `${config.kafka.consumerGroup}-dlq-replay-all-${now}` : `${config.kafka.consumerGroup}-dlq-replay`;
}

/** `siem dlq replay`: re-sends dead letters to the raw topic, so a fixed parser gets them again. */
export async function runDlqReplay(config: SiemConfig, options: ReplayCommandOptions, logger: Logger): Promise<ReplayProgress> {
  const bus = createBus(config, logger, 'dlq-replay');
  return replayDeadLetters({
    consumer: bus.consumer({ index: 0, count: 1 }, replayGroup(config, options.all)),
    producer: bus.producer(),
    deadLetterTopic: config.kafka.deadLetterTopic,
    rawTopic: config.kafka.rawTopic,
    filter: options.filter,
    idleMs: options.idleSeconds * 1000,
    onProgress: (progress) => options.progress.write(`\rreplayed ${progress.replayed}, skipped ${progress.skipped}, unreadable ${progress.unreadable}`),
  });
}
