import {
  BusError,
  buildDeadLetter,
  deadLetterDocument,
  decodeRawRecord,
  encodeDeadLetter,
  encodeRawRecord,
  isEnvelope,
  unpackRawRecords,
  type BusProducer,
  type BusRecord,
  type ConsumedMessage,
  type DeadLetter,
  type DeadLetterReason,
} from '@siem/bus';
import type { Enricher } from '@siem/enrich';
import type { Parser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import type { EventStore, IndexableEvent } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { envelopeRecordId, eventId } from './event-id';
import { addReceiptFields } from './receipt-fields';

export interface ChunkProcessorDeps {
  readonly parser: Parser;
  /** GeoIP, threat intelligence and asset lookups, applied to every parsed event. */
  readonly enricher: Pick<Enricher, 'enrich'>;
  readonly store: EventStore;
  readonly producer: BusProducer;
  readonly deadLetterTopic: string;
  /** Events per bulk request; a chunk of batch envelopes holds many more records than messages. */
  readonly bulkSize: number;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Whether to keep retrying a store that is down; false once the worker is asked to stop. */
  readonly shouldRetry: () => boolean;
  /** Runs the detection rules on every parsed event; the chunk's alerts are written before it commits. */
  readonly detector?: Detector;
  /** Adds up the wall time of each step, when given. */
  readonly stageTimes?: StageTimes;
}

/**
 * Milliseconds spent in each step of the chunks, retries included: `parse` is
 * everything but writing (decoding, parsing, enriching, detecting).
 */
export interface StageTimes {
  parse: number;
  index: number;
  alerts: number;
  deadLetters: number;
}

/** The alerts of one chunk: collected while its events are processed, written before its offsets commit. */
export interface ChunkDetection {
  inspect(event: Record<string, unknown>, eventId: string): void;
  /** Writes the chunk's alerts; called again after a retryable failure, so it must be idempotent. */
  flush(): Promise<void>;
}

export interface Detector {
  begin(): ChunkDetection;
}

const MAX_RETRY_DELAY_MS = 10_000;

interface Source {
  readonly message: ConsumedMessage;
  readonly record: RawRecord;
  /** Position in the message's batch envelope; absent for a single-record message. */
  readonly index?: number;
}

/**
 * parse → index → dead-letter, for one chunk. Resolves only when every record
 * of the chunk is either indexed or dead-lettered, so the bus may commit it.
 * A message may be a batch envelope: its records are processed one by one,
 * and an envelope that does not decode becomes one dead letter.
 */
export function createChunkProcessor(deps: ChunkProcessorDeps): (messages: readonly ConsumedMessage[]) => Promise<void> {
  const indexed = deps.metrics.counter('siem_processor_indexed_total', 'Events indexed in the store.');
  const deadLettered = deps.metrics.counter('siem_processor_dead_letters_total', 'Events sent to the dead letters, by stage and code.');

  return async (messages) => {
    const chunkStarted = performance.now();
    let waited = 0;
    const timed = async <T>(stage: 'index' | 'alerts' | 'deadLetters', step: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await step();
      } finally {
        const elapsed = performance.now() - started;
        waited += elapsed;
        if (deps.stageTimes) deps.stageTimes[stage] += elapsed;
      }
    };
    const chunkReceivedAt = new Date().toISOString();
    const detection = deps.detector?.begin();
    const deadLetters: BusRecord[] = [];
    let events: IndexableEvent[] = [];
    // Index-aligned with `events`: only a rejected event needs its source, found by id then.
    let sources: Source[] = [];

    const deadLetter = (source: Source, id: string, reason: DeadLetterReason): DeadLetter => {
      deadLettered.inc({ stage: reason.stage, code: reason.code });
      const letter = buildDeadLetter(source.message, source.record, reason, id, source.index);
      deadLetters.push(encodeDeadLetter(letter, encodeRawRecord(source.record).headers ?? {}));
      return letter;
    };
    // Unparsed records stay searchable: the letter is indexed too, under the record's own id.
    const addDeadLetter = (source: Source, id: string, reason: DeadLetterReason): void => {
      const document = deadLetterDocument(deadLetter(source, id, reason));
      // A truncated line usually fails to parse, so its dead letter carries the tag that explains why.
      addReceiptFields(document, source.record);
      events.push({ id, timestamp: document['@timestamp'], document });
      sources.push(source);
    };
    const indexEvents = async (): Promise<void> => {
      if (events.length === 0) return;
      const batch = events;
      const batchSources = sources;
      events = [];
      sources = [];
      const outcome = await timed('index', () => retryWhileAllowed(() => deps.store.bulkIndex(batch), deps, 'index'));
      indexed.inc({}, outcome.indexed);
      const rejectedPositions = outcome.rejected.length ? new Map(batch.map((event, position) => [event.id, position])) : undefined;
      for (const rejection of outcome.rejected) {
        deadLetter(batchSources[rejectedPositions!.get(rejection.id)!]!, rejection.id, {
          code: 'SIEM_STORE_REJECTED',
          message: `The store refused the event (HTTP ${rejection.status}): ${rejection.reason}`,
          stage: 'index',
        });
      }
    };
    const processRecord = (source: Source, id: string): void => {
      const result = deps.parser.parse(source.record);
      if (!result.ok) {
        addDeadLetter(source, id, { code: result.error.code, message: result.error.message, stage: result.error.parser });
        return;
      }
      addReceiptFields(result.event, source.record);
      deps.enricher.enrich(result.event);
      detection?.inspect(result.event, id);
      events.push({ id, timestamp: result.event['@timestamp'], document: result.event });
      sources.push(source);
    };

    for (const message of messages) {
      let records: RawRecord[];
      try {
        records = unpackRawRecords(message, chunkReceivedAt);
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        const whole = { ...decodeRawRecord(message, chunkReceivedAt), payload: message.value };
        addDeadLetter({ message, record: whole }, eventId(message), { code: error.code, message: error.message, stage: 'envelope' });
        continue;
      }
      const messageId = eventId(message);
      const enveloped = isEnvelope(message);
      for (let index = 0; index < records.length; index++) {
        const record = records[index]!;
        if (enveloped) processRecord({ message, record, index }, record.eventId ?? envelopeRecordId(messageId, index));
        else processRecord({ message, record }, record.eventId ?? messageId);
        if (events.length >= deps.bulkSize) await indexEvents();
      }
    }
    await indexEvents();
    if (detection) await timed('alerts', () => retryWhileAllowed(() => detection.flush(), deps, 'alerts'));
    if (deadLetters.length) await timed('deadLetters', () => retryWhileAllowed(() => deps.producer.send(deps.deadLetterTopic, deadLetters), deps, 'dead-letter'));
    if (deps.stageTimes) deps.stageTimes.parse += performance.now() - chunkStarted - waited;
  };
}

/** Retries a retryable failure with backoff; a stopping worker gives up so the chunk stays uncommitted. */
async function retryWhileAllowed<T>(operation: () => Promise<T>, deps: ChunkProcessorDeps, what: string): Promise<T> {
  let delay = 200;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      const retryable = (error as { retryable?: boolean }).retryable !== false;
      if (!retryable || !deps.shouldRetry()) throw error;
      deps.logger.warn({ err: error, step: what, retryInMs: delay }, 'A chunk step failed; retrying.');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
  }
}
