/**
 * Sends dead letters through the pipeline again, after a parser fix. Each
 * replayed record carries its original event id, so replaying twice, or
 * replaying a letter that fails again, never leaves two copies in the store.
 */
import { deadLetterToRawRecord, decodeDeadLetter, type DeadLetter } from './dead-letter';
import { encodeRawRecord } from './raw-record-codec';
import type { BusConsumer, BusProducer, BusRecord, ConsumedMessage } from './types';

export interface DeadLetterFilter {
  /** Only letters with this error code, e.g. SIEM_PARSE_NO_MATCH. */
  readonly code?: string;
  /** Only letters refused by this parser or stage, e.g. cef. */
  readonly stage?: string;
}

export interface ReplayOptions {
  readonly consumer: BusConsumer;
  readonly producer: BusProducer;
  readonly deadLetterTopic: string;
  readonly rawTopic: string;
  readonly filter: DeadLetterFilter;
  /** The replay ends once no dead letter has arrived for this long (the topic is read to its end). */
  readonly idleMs: number;
  readonly chunkSize?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  /** Re-sent to the raw topic. */
  replayed: number;
  /** Dead letters left out by the filter. */
  skipped: number;
  /** Messages of the dead-letter topic that are not dead letters (written by something else). */
  unreadable: number;
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (filter.code === undefined || letter.error.code === filter.code) && (filter.stage === undefined || letter.error.stage === filter.stage);
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayProgress> {
  const progress: ReplayProgress = { replayed: 0, skipped: 0, unreadable: 0 };
  let idleTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (finish = resolve));
  const armIdleTimer = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, options.idleMs);
  };

  const handleChunk = async (messages: readonly ConsumedMessage[]) => {
    clearTimeout(idleTimer);
    const records: BusRecord[] = [];
    for (const message of messages) {
      const letter = decodeDeadLetter(message);
      if (letter === undefined) progress.unreadable++;
      else if (!matchesFilter(letter, options.filter)) progress.skipped++;
      else records.push(encodeRawRecord(deadLetterToRawRecord(letter)));
    }
    if (records.length > 0) await options.producer.send(options.rawTopic, records);
    progress.replayed += records.length;
    options.onProgress?.({ ...progress });
    armIdleTimer();
  };

  await options.producer.connect();
  await options.consumer.connect();
  try {
    await options.consumer.run({ topic: options.deadLetterTopic, chunkSize: options.chunkSize ?? 500, handleChunk });
    armIdleTimer();
    await idle;
  } finally {
    clearTimeout(idleTimer);
    await options.consumer.disconnect();
    await options.producer.disconnect();
  }
  return progress;
}
