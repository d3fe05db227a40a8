import { EventEmitter } from 'node:events';
import { BusErrorCodes, type BusRecord, type DiskSpool, type SpoolRead } from '@siem/bus';
import type { Logger } from '@siem/telemetry';

export interface SpooledDeliveryOptions {
  /** Produces to the bus; resolves once the records are durable there. */
  readonly send: (records: readonly BusRecord[]) => Promise<void>;
  readonly spool: DiskSpool;
  readonly logger: Logger;
  /** Records per produce request when replaying the spool. */
  readonly replayBatchRecords: number;
  /** Bytes per produce request when replaying the spool, whichever bound comes first (batch envelopes are large). */
  readonly replayBatchBytes: number;
  /** How many records a bus message holds, for the log lines (a batch envelope holds many). */
  readonly recordCount: (record: BusRecord) => number;
  /**
   * How long a batch may wait when neither the bus nor the spool takes it
   * (spool full or its disk failing) before it is refused and its senders told.
   */
  readonly giveUpAfterMs: number;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Makes each batch durable in the bus, or in the disk spool while the bus is
 * unreachable, and replays the spool in order when it is back. Order holds
 * because a batch goes straight to the bus only while the spool is empty;
 * otherwise it is appended behind what is spooled, and one drainer sends the
 * spool front to back.
 *
 * Events: `produced` (records, 'direct' | 'replay'), `spooled` (records),
 * `backpressure` (true when the spool is full, false once it has room again).
 */
export class SpooledDelivery extends EventEmitter {
  private busDown = false;
  private spoolFullAt: number | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private stopWake: (() => void) | undefined;
  private draining: Promise<void> | undefined;
  private outage: { since: number; spooled: number } | undefined;

  constructor(private readonly options: SpooledDeliveryOptions) {
    super();
  }

  /** Starts the drainer: records left in the spool by an earlier run go out before new ones. */
  start(): void {
    this.draining ??= this.drainLoop();
  }

  isSpoolFull(): boolean {
    return this.spoolFullAt !== undefined;
  }

  async deliver(records: readonly BusRecord[]): Promise<void> {
    const { spool, logger } = this.options;
    const deadline = Date.now() + this.options.giveUpAfterMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      if (spool.isEmpty()) {
        try {
          await this.options.send(records);
          this.emit('produced', records, 'direct');
          return;
        } catch (error) {
          if (!this.busDown) {
            this.busDown = true;
            this.outage = { since: Date.now(), spooled: 0 };
            logger.warn({ err: error }, 'The bus is unreachable; records go to the disk spool and are replayed in order when it is back.');
          }
        }
      }
      try {
        await spool.append(records);
        if (this.outage) for (const record of records) this.outage.spooled += this.options.recordCount(record);
        this.emit('spooled', records);
        this.wake?.();
        return;
      } catch (error) {
        this.noteAppendFailure(error);
        if (Date.now() + backoff > deadline) throw error;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Stops the drainer after its current attempt; what is left in the spool is replayed at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopWake?.();
    await this.draining;
  }

  private noteAppendFailure(error: unknown): void {
    const { logger, spool } = this.options;
    if ((error as { code?: string }).code === BusErrorCodes.spoolFull) {
      if (this.spoolFullAt === undefined) {
        this.spoolFullAt = spool.stats().bytes;
        this.emit('backpressure', true);
        logger.warn({ spooledRecords: spool.stats().records, spooledBytes: spool.stats().bytes }, 'The disk spool is full: inputs pause, HTTP answers 503 and MQTT stops acknowledging until the bus takes records again.');
      }
      return;
    }
    logger.error({ err: error }, 'Appending to the disk spool failed; retrying.');
  }

  private async drainLoop(): Promise<void> {
    const { spool, logger } = this.options;
    let read: SpoolRead | undefined;
    let backoff = FIRST_BACKOFF_MS;
    let failures = 0;
    let replayStartedAt: number | undefined;
    let replayed = 0;
    while (!this.stopping) {
      try {
        read ??= await spool.read(this.options.replayBatchRecords, this.options.replayBatchBytes);
      } catch (error) {
        logger.error({ err: error }, 'Reading the disk spool failed; retrying.');
        await this.pause(MAX_BACKOFF_MS);
        continue;
      }
      if (read.records.length === 0) {
        read = undefined;
        if (spool.isEmpty()) {
          if (replayStartedAt !== undefined) {
            logger.info({ records: replayed, replaySeconds: (Date.now() - replayStartedAt) / 1000, outageSpooled: this.outage?.spooled }, 'The disk spool is replayed; records go straight to the bus again.');
            replayStartedAt = undefined;
            replayed = 0;
          }
          this.busDown = false;
          this.outage = undefined;
        }
        await this.pause();
        continue;
      }
      try {
        await this.options.send(read.records);
      } catch (error) {
        failures++;
        // One warning per outage; the retries after it only at debug.
        if (failures === 1 && !this.busDown) logger.warn({ err: error }, 'Replaying the disk spool to the bus failed; retrying with backoff.');
        else logger.debug({ err: error, failures }, 'Replaying the disk spool to the bus failed again.');
        this.busDown = true;
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      if (replayStartedAt === undefined) {
        replayStartedAt = Date.now();
        logger.info({ spooledRecords: spool.stats().records, failedAttempts: failures }, 'The bus takes records again; replaying the disk spool.');
      }
      failures = 0;
      backoff = FIRST_BACKOFF_MS;
      this.emit('produced', read.records, 'replay');
      try {
        await spool.commit(read);
      } catch (error) {
        // The records are in the bus; at worst a restart sends them again (at-least-once).
        logger.error({ err: error }, 'Recording replay progress in the disk spool failed; a restart may send these records twice.');
      }
      for (const record of read.records) replayed += this.options.recordCount(record);
      read = undefined;
      if (this.spoolFullAt !== undefined && spool.stats().bytes < this.spoolFullAt) {
        this.spoolFullAt = undefined;
        this.emit('backpressure', false);
        logger.info({ spooledBytes: spool.stats().bytes }, 'The disk spool has room again; inputs resume.');
      }
    }
  }

  /** Waits `ms` (a backoff, cut short only by stop), or without `ms` until an append or stop. */
  private pause(ms?: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.stopWake = undefined;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.stopWake = done;
      if (ms === undefined) this.wake = done;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
