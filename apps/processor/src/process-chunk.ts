import {
  buildDeadLetter,
  deadLetterDocument,
  decodeRawRecord,
  encodeDeadLetter,
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
import { eventId } from './event-id';
import { addReceiptFields } from './receipt-fields';

export interface ChunkProcessorDeps {
  readonly parser: Parser;
  /** GeoIP, threat intelligence and asset lookups, applied to every parsed event. */
  readonly enricher: Pick<Enricher, 'enrich'>;
  readonly store: EventStore;
  readonly producer: BusProducer;
  readonly deadLetterTopic: string;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Whether to keep retrying a store that is down; false once the worker is asked to stop. */
  readonly shouldRetry: () => boolean;
}

const MAX_RETRY_DELAY_MS = 10_000;

/**
 * parse → index → dead-letter, for one chunk. Resolves only when every message
 * of the chunk is either indexed or dead-lettered, so the bus may commit it.
 */
export function createChunkProcessor(deps: ChunkProcessorDeps): (messages: readonly ConsumedMessage[]) => Promise<void> {
  const indexed = deps.metrics.counter('siem_processor_indexed_total', 'Events indexed in the store.');
  const deadLettered = deps.metrics.counter('siem_processor_dead_letters_total', 'Events sent to the dead letters, by stage and code.');

  return async (messages) => {
    const events: IndexableEvent[] = [];
    const sources = new Map<string, { message: ConsumedMessage; record: RawRecord }>();
    const deadLetters: BusRecord[] = [];
    const chunkReceivedAt = new Date().toISOString();
    const deadLetter = (message: ConsumedMessage, record: RawRecord, id: string, reason: DeadLetterReason): DeadLetter => {
      deadLettered.inc({ stage: reason.stage, code: reason.code });
      const letter = buildDeadLetter(message, record, reason, id);
      deadLetters.push(encodeDeadLetter(letter, message.headers));
      return letter;
    };
    for (const message of messages) {
      const record = decodeRawRecord(message, chunkReceivedAt);
      const id = record.eventId ?? eventId(message.topic, message.partition, message.offset);
      sources.set(id, { message, record });
      const result = deps.parser.parse(record);
      if (result.ok) {
        addReceiptFields(result.event, record);
        deps.enricher.enrich(result.event);
        events.push({ id, timestamp: result.event['@timestamp'], document: result.event });
        continue;
      }
      // Unparsed events stay searchable: the letter is indexed too, under the event's own id.
      const letter = deadLetter(message, record, id, { code: result.error.code, message: result.error.message, stage: result.error.parser });
      const document = deadLetterDocument(letter);
      // A truncated line usually fails to parse, so its dead letter carries the tag that explains why.
      addReceiptFields(document, record);
      events.push({ id, timestamp: document['@timestamp'], document });
    }

    const outcome = await retryWhileAllowed(() => deps.store.bulkIndex(events), deps, 'index');
    indexed.inc({}, outcome.indexed);
    for (const rejection of outcome.rejected) {
      const { message, record } = sources.get(rejection.id)!;
      deadLetter(message, record, rejection.id, {
        code: 'SIEM_STORE_REJECTED',
        message: `The store refused the event (HTTP ${rejection.status}): ${rejection.reason}`,
        stage: 'index',
      });
    }
    if (deadLetters.length) await retryWhileAllowed(() => deps.producer.send(deps.deadLetterTopic, deadLetters), deps, 'dead-letter');
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
