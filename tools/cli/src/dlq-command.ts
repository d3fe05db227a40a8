import { createBus, replayDeadLetters, type DeadLetterFilter, type ReplayResult } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';

export interface ReplayCommandOptions {
  readonly filter: DeadLetterFilter;
  /**
   * Re-read every dead letter still kept instead of those that arrived since
   * the last replay. Safe: replayed events keep their original ids, so nothing doubles.
   */
  readonly all: boolean;
  /** How long to wait for the processor to handle the replayed events. */
  readonly waitSeconds: number;
  readonly progress: NodeJS.WritableStream;
}

/** The consumer group whose committed offsets on the dead-letter topic mark what `siem dlq replay` replayed already. */
export function replayGroup(config: SiemConfig): string {
  return `${config.kafka.consumerGroup}-dlq-replay`;
}

/** `siem dlq replay`: re-sends the dead letters that exist now to the raw topic, then counts those that failed again. */
export async function runDlqReplay(config: SiemConfig, options: ReplayCommandOptions, logger: Logger): Promise<ReplayResult> {
  const bus = createBus(config, logger, 'dlq-replay');
  return replayDeadLetters({
    bus,
    deadLetterTopic: config.kafka.deadLetterTopic,
    rawTopic: config.kafka.rawTopic,
    replayGroup: replayGroup(config),
    all: options.all,
    processorGroup: config.kafka.consumerGroup,
    filter: options.filter,
    waitMs: options.waitSeconds * 1000,
    onProgress: (progress) => options.progress.write(`\rread ${progress.read}, replayed ${progress.replayed}, skipped ${progress.skipped}, unreadable ${progress.unreadable}, duplicates ${progress.duplicates}`),
  });
}

/** The closing lines of `siem dlq replay`, saying what each number means. */
export function replaySummary(result: ReplayResult, waitSeconds: number): string {
  const lines = [
    `done: ${result.replayed} dead letters replayed, ${result.skipped} left out by the filter, ${result.unreadable} unreadable, ${result.duplicates} of an event replayed already (of the ${result.read} read: the dead-letter topic up to where it ended when the replay started).`,
  ];
  if (result.replayed > 0 && result.complete) {
    lines.push(
      `The processor handled every replayed event: ${result.failedAgain} failed again and are dead letters once more (the next replay picks them up), ${result.replayed - result.failedAgain} were indexed.`,
    );
  } else if (result.replayed > 0) {
    lines.push(
      `The processor had not handled every replayed event after ${waitSeconds} s (is it running? --wait-seconds waits longer): ${result.failedAgain} failed again so far; the rest are still on the raw topic and will be processed.`,
    );
  }
  lines.push(`The dead-letter topic grew by ${result.deadLettersAdded} while the replay ran (letters that failed again, plus any from new traffic).`);
  return `\n${lines.join('\n')}\n`;
}
