import type { AuditRecord, AuditStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';

export interface AuditQueueOptions {
  readonly store: AuditStore;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Records held while the store is slow or down; past it, new records are dropped (and counted). */
  readonly capacity: number;
  readonly batchSize?: number;
  /** How often queued records are written. */
  readonly flushMs?: number;
  /** First wait after a failed write; it doubles up to `maxRetryMs`. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

/**
 * Audit records leave the request path at once and are written in batches in the
 * background, so auditing adds no store round trip to any request. While the store fails,
 * records wait in memory, in order, and the write is retried with a growing pause; a record
 * already stored by a failed attempt is kept once (stores skip a known id).
 */
export class AuditQueue {
  private readonly records: AuditRecord[] = [];
  private readonly store: AuditStore;
  private readonly logger: Logger;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> | undefined;
  private failures = 0;
  private retryAt = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private readonly written: { inc(by?: number): void };
  private readonly dropped: { inc(by?: number): void };
  private readonly writeFailures: { inc(by?: number): void };

  constructor(options: AuditQueueOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.capacity = options.capacity;
    this.batchSize = options.batchSize ?? 500;
    this.retryMs = options.retryMs ?? 1000;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    const records = options.metrics.counter('siem_api_audit_records_total', 'Audit records, by outcome: written to the store, or dropped because the queue was full.');
    this.written = records.bind({ outcome: 'written' });
    this.dropped = records.bind({ outcome: 'dropped' });
    this.writeFailures = options.metrics.counter('siem_api_audit_write_failures_total', 'Failed writes of a batch of audit records (retried).').bind({});
    const queued = options.metrics.gauge('siem_api_audit_queue_records', 'Audit records waiting to be written; at SIEM_API_AUDIT_QUEUE_RECORDS, changes are refused.');
    options.metrics.onCollect(() => queued.set({}, this.records.length));
    this.timer = setInterval(() => void this.write(), options.flushMs ?? 1000);
    this.timer.unref();
  }

  /** True when no record can be taken: the API then refuses requests that change data. */
  get full(): boolean {
    return this.records.length >= this.capacity;
  }

  get length(): number {
    return this.records.length;
  }

  /** Queues a record; false (counted and logged) when the queue is full. */
  push(record: AuditRecord): boolean {
    if (this.full) {
      this.dropped.inc();
      this.droppedSinceLog++;
      const now = Date.now();
      if (now - this.lastDropLog >= 60_000) {
        this.logger.error({ dropped: this.droppedSinceLog, queued: this.records.length }, 'Audit records were dropped: the audit queue is full because the store does not take them; changes are refused until it drains.');
        this.lastDropLog = now;
        this.droppedSinceLog = 0;
      }
      return false;
    }
    this.records.push(record);
    if (this.records.length >= this.batchSize) void this.write();
    return true;
  }

  /** Writes everything queued now (one attempt per batch); true when the queue is empty after it. */
  async flush(): Promise<boolean> {
    this.retryAt = 0;
    while (this.records.length > 0) {
      const before = this.records.length;
      await this.write();
      if (this.records.length >= before) return false;
    }
    return true;
  }

  /** Stops the timer and makes a last attempt to write what is queued. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    if (!(await this.flush())) this.logger.error({ lost: this.records.length }, 'Audit records could not be written before the API stopped: the store did not take them.');
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.records.length === 0 || Date.now() < this.retryAt) return Promise.resolve();
    this.writing = this.writeBatch().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.records.slice(0, this.batchSize);
    try {
      await this.store.append(batch);
    } catch (error) {
      this.writeFailures.inc();
      this.failures++;
      const waitMs = Math.min(this.maxRetryMs, this.retryMs * 2 ** (this.failures - 1));
      this.retryAt = Date.now() + waitMs;
      // One line per outage, then one each time the pause reaches its longest.
      if (this.failures === 1 || waitMs === this.maxRetryMs) this.logger.warn({ err: error, queued: this.records.length, retryInMs: waitMs }, 'Audit records could not be written; they wait in memory and the write is retried.');
      return;
    }
    if (this.failures > 0) this.logger.info({ failures: this.failures }, 'Audit records are written again.');
    this.failures = 0;
    this.retryAt = 0;
    this.records.splice(0, batch.length);
    this.written.inc(batch.length);
  }
}
