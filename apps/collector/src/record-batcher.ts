import { EventEmitter } from 'node:events';
import type { RawRecord } from '@siem/schema';

interface Pending {
  readonly record: RawRecord;
  readonly addedAt: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface RecordBatcherOptions {
  readonly maxRecords: number;
  readonly lingerMs: number;
  /** Above this many records waiting, inputs should stop reading (see `isFull` and the `drain` event). */
  readonly highWaterMark: number;
}

/**
 * Groups records by count and time (linger) and hands one batch at a time to
 * `deliver`, so batches leave in the order their records arrived. `add`
 * resolves once `deliver` resolved for the record's batch (the record is
 * durable), and rejects if it rejected.
 */
export class RecordBatcher extends EventEmitter {
  private buffer: Pending[] = [];
  private readonly inFlight: Pending[][] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly deliver: (records: RawRecord[]) => Promise<void>,
    private readonly options: RecordBatcherOptions,
  ) {
    super();
  }

  get pending(): number {
    return this.queued;
  }

  /** When the oldest record not yet delivered was added (ms since the epoch). */
  oldestPendingSince(): number | undefined {
    return (this.inFlight[0]?.[0] ?? this.buffer[0])?.addedAt;
  }

  isFull(): boolean {
    return this.queued >= this.options.highWaterMark;
  }

  add(record: RawRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ record, addedAt: Date.now(), resolve, reject });
      this.queued++;
      if (this.buffer.length >= this.options.maxRecords) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.lingerMs);
    });
  }

  /** Hands over what is buffered now; resolves when everything added so far has been delivered or refused. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.inFlight.push(batch);
      this.delivering = this.delivering.then(() => this.deliverBatch(batch));
    }
    return this.delivering;
  }

  private async deliverBatch(batch: Pending[]): Promise<void> {
    try {
      await this.deliver(batch.map((p) => p.record));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error as Error);
    }
    this.inFlight.shift();
    const wasFull = this.isFull();
    this.queued -= batch.length;
    if (wasFull && !this.isFull()) this.emit('drain');
  }
}
