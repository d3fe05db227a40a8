/**
 * Sends dead letters through the pipeline again, after a parser fix. Each
 * replayed record carries its original event id, so replaying twice, or
 * replaying a letter that fails again, never leaves two copies in the store.
 *
 * A replay ends by itself. It takes the dead-letter topic's end offsets when it
 * starts and replays up to them, so the letters that its own events produce
 * when they fail again (and letters of new traffic) are never replayed by the
 * same run, and stay for the next one. It then waits until the processor's
 * group has committed past every replayed record, which happens only after
 * the processor wrote their dead letters, and reads what the dead-letter topic
 * gained since the start: the letters of replayed event ids are the ones that
 * failed again.
 */
import { deadLetterToRawRecord, decodeDeadLetter, type DeadLetter } from './dead-letter';
import type { OffsetRange, PartitionPosition, RangeMessage, ReadRangeOptions } from './offset-range';
import { encodeRawRecord } from './raw-record-codec';
import type { BusProducer, BusRecord } from './types';

export interface DeadLetterFilter {
  /** Only letters with this error code, e.g. SIEM_PARSE_NO_MATCH. */
  readonly code?: string;
  /** Only letters refused by this parser or stage, e.g. cef. */
  readonly stage?: string;
}

/** What a replay needs of the bus (see Bus in create-bus.ts). */
export interface ReplayBus {
  producer(): BusProducer;
  positions(topic: string, groupId: string): Promise<PartitionPosition[]>;
  readRange(topic: string, ranges: readonly OffsetRange[], options: ReadRangeOptions): Promise<void>;
}

export interface ReplayOptions {
  readonly bus: ReplayBus;
  readonly deadLetterTopic: string;
  readonly rawTopic: string;
  /** The group whose committed offsets on the dead-letter topic mark the letters replayed before. */
  readonly replayGroup: string;
  /** Replay every letter still kept instead of those after `replayGroup`'s offsets (which are then left as they are). */
  readonly all: boolean;
  /** The processor's consumer group on the raw topic. */
  readonly processorGroup: string;
  readonly filter: DeadLetterFilter;
  /** How long to wait for the processor to handle the replayed events before reporting what it handled so far. */
  readonly waitMs: number;
  readonly chunkSize?: number;
  readonly pollMs?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  /** Dead letters read: those of the topic at the start, after the replay group's offsets (or all with `all`). */
  read: number;
  /** Re-sent to the raw topic, one per event. */
  replayed: number;
  /** Letters of an event this run replayed already (it failed more than once, and `all` reads every letter kept). */
  duplicates: number;
  /** Dead letters left out by the filter. */
  skipped: number;
  /** Messages of the dead-letter topic that are not dead letters (written by something else). */
  unreadable: number;
}

export interface ReplayResult extends ReplayProgress {
  /** Replayed events that the processor turned into dead letters again. */
  failedAgain: number;
  /** False when the processor had not handled every replayed event within `waitMs`: `failedAgain` then counts those it had. */
  complete: boolean;
  /** Letters the dead-letter topic gained while the replay ran: those that failed again, plus any of new traffic. */
  deadLettersAdded: number;
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  return (filter.code === undefined || letter.error.code === filter.code) && (filter.stage === undefined || letter.error.stage === filter.stage);
}

const totalEnd = (positions: readonly PartitionPosition[]) => positions.reduce((total, p) => total + Number(p.end), 0);

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const { bus, deadLetterTopic, rawTopic } = options;
  const chunkSize = options.chunkSize ?? 500;
  const pollMs = options.pollMs ?? 500;
  const progress: ReplayProgress = { read: 0, replayed: 0, duplicates: 0, skipped: 0, unreadable: 0 };
  const replayedIds = new Set<string>();

  const atStart = await bus.positions(deadLetterTopic, options.replayGroup);
  const producer = bus.producer();
  await producer.connect();
  try {
    const letters = atStart.map((p) => ({ partition: p.partition, from: options.all ? p.oldest : p.next, until: p.end }));
    await bus.readRange(deadLetterTopic, letters, {
      chunkSize,
      commitGroup: options.all ? undefined : options.replayGroup,
      handleChunk: async (messages) => {
        const records: BusRecord[] = [];
        for (const message of messages) {
          const letter = decodeDeadLetter(message);
          if (letter === undefined) progress.unreadable++;
          else if (!matchesFilter(letter, options.filter)) progress.skipped++;
          else if (replayedIds.has(letter.event_id)) progress.duplicates++;
          else {
            records.push(encodeRawRecord(deadLetterToRawRecord(letter)));
            replayedIds.add(letter.event_id);
          }
        }
        if (records.length > 0) await producer.send(rawTopic, records);
        progress.read += messages.length;
        progress.replayed += records.length;
        options.onProgress?.({ ...progress });
      },
    });
  } finally {
    await producer.disconnect();
  }
  if (progress.replayed === 0) {
    return { ...progress, failedAgain: 0, complete: true, deadLettersAdded: totalEnd(await bus.positions(deadLetterTopic, options.replayGroup)) - totalEnd(atStart) };
  }

  // Every replayed record lies before these ends; once the processor's group committed past them, it has handled them all.
  const rawEnds = new Map((await bus.positions(rawTopic, options.processorGroup)).map((p) => [p.partition, BigInt(p.end)]));
  const deadline = Date.now() + options.waitMs;
  let complete = false;
  for (;;) {
    const processor = await bus.positions(rawTopic, options.processorGroup);
    complete = processor.every((p) => BigInt(p.next) >= (rawEnds.get(p.partition) ?? 0n));
    if (complete || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  const now = await bus.positions(deadLetterTopic, options.replayGroup);
  const endAtStart = new Map(atStart.map((p) => [p.partition, p.end]));
  const added: OffsetRange[] = now.map((p) => ({ partition: p.partition, from: endAtStart.get(p.partition) ?? p.oldest, until: p.end }));
  // Distinct ids: a processor worker that died after writing a letter but before committing writes it again.
  const failedAgain = new Set<string>();
  let deadLettersAdded = 0;
  await bus.readRange(deadLetterTopic, added, {
    chunkSize,
    handleChunk: async (messages: readonly RangeMessage[]) => {
      deadLettersAdded += messages.length;
      for (const message of messages) {
        const letter = decodeDeadLetter(message);
        if (letter !== undefined && replayedIds.has(letter.event_id)) failedAgain.add(letter.event_id);
      }
    },
  });
  return { ...progress, failedAgain: failedAgain.size, complete, deadLettersAdded };
}
