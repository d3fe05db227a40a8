import { encodeRawRecord, packRawRecords, rawRecordCount, type BusRecord, type DiskSpool } from '@siem/bus';
import type { PriorityClassifier } from '@siem/edge';
import { RAW_HEADERS, type RawRecord } from '@siem/schema';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import type { InputContext } from './inputs/input';
import { RecordBatcher } from './record-batcher';
import { SpooledDelivery } from './spooled-delivery';

export interface CollectorDeliveryOptions {
  readonly send: (records: readonly BusRecord[]) => Promise<void>;
  readonly spool: DiskSpool;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly batchMaxRecords: number;
  readonly batchLingerMs: number;
  /** Several records per bus message (see packRawRecords), or one. */
  readonly batchEnvelope: boolean;
  /** How long a batch waits while neither the bus nor a full spool takes it, before its senders are refused. */
  readonly giveUpAfterMs: number;
  /**
   * The high priority lane (SIEM_PRIORITY_RULES_FILE): records the classifier matches skip the
   * batcher and the spool's queue and go straight to `send` (the `<raw>.high` topic); when that
   * fails they join the normal path, so an outage delays them but never loses them.
   */
  readonly priority?: { readonly classifier: PriorityClassifier; readonly send: (records: readonly BusRecord[]) => Promise<void> };
}

export interface CollectorDelivery {
  /** The delivery half of every input's context. */
  readonly input: Pick<InputContext, 'accept' | 'rejected' | 'isBackedUp' | 'onDrain'>;
  start(): void;
  /** Delivers what is batched (to the bus or the spool), then stops replaying. */
  stop(): Promise<void>;
}

/** About what one produce request carries when the spool is replayed: a few batch envelopes. */
const REPLAY_BATCH_BYTES = 4 * 1024 * 1024;

const inputOf = (record: BusRecord): string => record.headers?.[RAW_HEADERS.input] ?? 'unknown';

/**
 * The collector's delivery path with its metrics: inputs → batcher → bus, or
 * the disk spool while the bus is down. Every counter and gauge is labelled by
 * input, so a scrape shows per input what came in, what was refused and why,
 * what is spooled and what reached the bus.
 */
export function createCollectorDelivery(options: CollectorDeliveryOptions): CollectorDelivery {
  const { logger, metrics, spool } = options;
  const received = metrics.counter('siem_collector_received_total', 'Records received, by input.');
  const receivedBytes = metrics.counter('siem_collector_received_bytes_total', 'Payload bytes received, by input.');
  const rejected = metrics.counter('siem_collector_rejected_total', 'Records cut or refused at receipt, by input and reason.');
  const produced = metrics.counter('siem_collector_produced_total', 'Records made durable in the bus, by input and path (direct, replay from the spool, or priority: on the high topic).');
  const spooled = metrics.counter('siem_collector_spooled_total', 'Records written to the disk spool while the bus was unreachable, by input.');
  const unsent = metrics.counter('siem_collector_unsent_total', 'Records refused after neither the bus nor the spool took them in time, by input (HTTP senders got 503).');
  const pendingGauge = metrics.gauge('siem_collector_pending_records', 'Records accepted and not yet in the bus (in memory or spooled), by input.');
  const spoolRecords = metrics.gauge('siem_collector_spool_records', 'Records in the disk spool waiting for the bus, by input.');
  const spoolBytes = metrics.gauge('siem_collector_spool_bytes', 'Size of the disk spool files.');
  const lag = metrics.gauge('siem_collector_oldest_unsent_seconds', 'Age of the oldest record accepted and not yet in the bus; 0 when none.');
  const backpressure = metrics.gauge('siem_collector_backpressure', '1 while inputs are paused (spool full or too many records in memory), else 0.');
  const prioritized = metrics.counter('siem_collector_priority_total', 'Records classed high by a priority rule, by rule and path (high: on the high topic; fallback: the high topic failed, they took the normal path).');

  const boundReceived = new Map<string, { inc(records: number, bytes: number): void }>();
  const receivedCounters = (input: string) => {
    let bound = boundReceived.get(input);
    if (!bound) {
      const records = received.bind({ input });
      const bytes = receivedBytes.bind({ input });
      bound = { inc: (n, b) => (records.inc(n), bytes.inc(b)) };
      boundReceived.set(input, bound);
    }
    return bound;
  };
  const pending = new Map<string, number>(spool.stats().byLabel);
  const addPending = (input: string, by: number) => pending.set(input, (pending.get(input) ?? 0) + by);
  const countBy = (records: readonly BusRecord[], count: (input: string, n: number) => void) => {
    const byInput = new Map<string, number>();
    for (const record of records) byInput.set(inputOf(record), (byInput.get(inputOf(record)) ?? 0) + rawRecordCount(record));
    for (const [input, n] of byInput) count(input, n);
  };

  const encode = (records: readonly RawRecord[]) => (options.batchEnvelope ? packRawRecords(records) : records.map(encodeRawRecord));
  const delivery = new SpooledDelivery({ send: options.send, spool, logger, replayBatchRecords: options.batchMaxRecords, replayBatchBytes: REPLAY_BATCH_BYTES, recordCount: rawRecordCount, giveUpAfterMs: options.giveUpAfterMs });
  const batcher = new RecordBatcher(
    async (records: RawRecord[]) => {
      const encoded = encode(records);
      try {
        await delivery.deliver(encoded);
      } catch (error) {
        countBy(encoded, (input, n) => {
          unsent.inc({ input }, n);
          addPending(input, -n);
        });
        logger.error({ err: error, records: records.length }, 'Neither the bus nor the disk spool took a batch in time; HTTP and MQTT senders were refused, stream records in it are lost.');
        throw error;
      }
    },
    { maxRecords: options.batchMaxRecords, lingerMs: options.batchLingerMs, highWaterMark: options.batchMaxRecords * 20 },
  );
  delivery.on('produced', (records: readonly BusRecord[], path: 'direct' | 'replay') =>
    countBy(records, (input, n) => {
      produced.inc({ input, path }, n);
      addPending(input, -n);
    }),
  );
  delivery.on('spooled', (records: readonly BusRecord[]) => countBy(records, (input, n) => spooled.inc({ input }, n)));

  const { priority } = options;
  const sendHigh = async (send: (records: readonly BusRecord[]) => Promise<void>, records: RawRecord[], byRule: ReadonlyMap<string, number>): Promise<void> => {
    const encoded = encode(records);
    try {
      await send(encoded);
    } catch (error) {
      logger.warn({ err: error, records: records.length }, 'The high priority topic did not take a batch; it goes the normal way (spooled while the bus is down).');
      for (const [rule, n] of byRule) prioritized.inc({ rule, path: 'fallback' }, n);
      return batcher.add(records);
    }
    for (const [rule, n] of byRule) prioritized.inc({ rule, path: 'high' }, n);
    countBy(encoded, (input, n) => {
      produced.inc({ input, path: 'priority' }, n);
      addPending(input, -n);
    });
  };

  const drainListeners: (() => void)[] = [];
  const isBackedUp = () => batcher.isFull() || delivery.isSpoolFull();
  const notifyDrain = () => {
    if (isBackedUp()) return;
    for (const listener of drainListeners) listener();
  };
  batcher.on('drain', notifyDrain);
  delivery.on('backpressure', (on: boolean) => {
    if (!on) notifyDrain();
  });

  metrics.onCollect(() => {
    pendingGauge.reset();
    for (const [input, count] of pending) pendingGauge.set({ input }, count);
    spoolRecords.reset();
    const stats = spool.stats();
    for (const [input, count] of stats.byLabel) spoolRecords.set({ input }, count);
    spoolBytes.set({}, stats.bytes);
    // The spool is older than anything in memory: spooled records arrived first.
    const oldest = stats.oldestAppendedAt ?? batcher.oldestPendingSince();
    lag.set({}, oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    backpressure.set({}, isBackedUp() ? 1 : 0);
  });

  return {
    input: {
      accept(records) {
        let input: string | undefined;
        let count = 0;
        let bytes = 0;
        const countReceived = () => {
          if (input === undefined) return;
          receivedCounters(input).inc(count, bytes);
          addPending(input, count);
        };
        // Inputs hand over records of one input at a time; counting per run keeps the per-record cost to an addition.
        for (const record of records) {
          if (record.input !== input) {
            countReceived();
            input = record.input;
            count = 0;
            bytes = 0;
          }
          count++;
          bytes += record.payload.length;
        }
        countReceived();
        if (!priority) return batcher.add(records);
        const { high, normal, byRule } = priority.classifier.split(records);
        if (high.length === 0) return batcher.add(records);
        return Promise.all([sendHigh(priority.send, high, byRule), normal.length > 0 && batcher.add(normal)]).then(() => undefined);
      },
      rejected: (input, reason) => rejected.inc({ input, reason }),
      isBackedUp,
      onDrain: (listener) => drainListeners.push(listener),
    },
    start: () => delivery.start(),
    async stop() {
      await batcher.flush();
      await delivery.stop();
    },
  };
}
