import { EventEmitter } from 'node:events';
import type { RawRecord } from '@siem/schema';

interface Pending {
  readonly record: RawRecord;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface RecordBatcherOptions {
  readonly maxRecords: number;
  readonly lingerMs: number;
  /** Above this many records waiting, inputs should stop reading (see `isFull` and the `drain` event). */
  readonly highWaterMark: number;
  /** How long a failing send is retried before the records in it are given up and their senders told. */
  readonly retryForMs: number;
}

/**
 * Groups records into produce requests by count and time (linger) and sends
 * one request at a time, so records leave in the order they arrived. `add`
 * resolves once the record's batch is durable in the bus.
 */
export class RecordBatcher extends EventEmitter {
  private buffer: Pending[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (records: RawRecord[]) => Promise<void>,
    private readonly options: RecordBatcherOptions,
  ) {
    super();
  }

  get pending(): number {
    return this.queued;
  }

  isFull(): boolean {
    return this.queued >= this.options.highWaterMark;
  }

  add(record: RawRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ record, resolve, reject });
      this.queued++;
      if (this.buffer.length >= this.options.maxRecords) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  /** Sends what is buffered now; resolves when everything handed over so far has been sent or given up. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) this.sending = this.sending.then(() => this.sendWithRetry(batch));
    return this.sending;
  }

  private async sendWithRetry(batch: Pending[]): Promise<void> {
    const records = batch.map((p) => p.record);
    const deadline = Date.now() + this.options.retryForMs;
    let delay = 100;
    for (;;) {
      try {
        await this.send(records);
        for (const pending of batch) pending.resolve();
        break;
      } catch (error) {
        if (Date.now() + delay > deadline) {
          this.emit('give-up', error, records.length);
          for (const pending of batch) pending.reject(error as Error);
          break;
        }
        this.emit('retry', error, records.length);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
    const wasFull = this.isFull();
    this.queued -= batch.length;
    if (wasFull && !this.isFull()) this.emit('drain');
  }
}
