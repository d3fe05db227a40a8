import type { ChunkHandler } from '@siem/bus';

export interface PriorityGateOptions {
  /**
   * Whether high-class records wait that no handler took yet (BusConsumer.hasBacklog). The
   * embedded log's consumers share the event loop: without it, a high read needing a few I/O turns
   * could lose each turn to the next normal chunk's parsing.
   */
  readonly highBacklog?: () => Promise<boolean>;
  /** The longest a normal chunk waits on a high backlog that does not move (a stuck partition must not starve the normal class). */
  readonly maxWaitMs?: number;
}

const BACKLOG_RECHECK_MS = 5;
const DEFAULT_MAX_WAIT_MS = 2_000;

/**
 * Precedence between the two priority classes inside one worker: the high
 * topic's consumer and the raw topic's run side by side, and a normal chunk
 * starts only while no high chunk is in progress or waiting, so under a flood
 * the store and the CPU go to high records first. A normal chunk already
 * started runs to its end (one chunk is the most a high record waits behind).
 */
export class PriorityGate {
  private highInProgress = 0;
  private waiters: (() => void)[] = [];
  private readonly maxWaitMs: number;

  constructor(private readonly options: PriorityGateOptions = {}) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Wraps the high class's handler: while one of its chunks runs, normal chunks wait. */
  high(handle: ChunkHandler): ChunkHandler {
    return async (messages) => {
      this.highInProgress++;
      try {
        await handle(messages);
      } finally {
        this.highInProgress--;
        if (this.highInProgress === 0) for (const wake of this.waiters.splice(0)) wake();
      }
    };
  }

  /** Wraps the normal class's handler: each chunk waits until no high chunk runs and none waits to be read. */
  normal(handle: ChunkHandler): ChunkHandler {
    return async (messages) => {
      const deadline = Date.now() + this.maxWaitMs;
      for (;;) {
        while (this.highInProgress > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
        if (!this.options.highBacklog || Date.now() >= deadline || !(await this.options.highBacklog())) break;
        await new Promise((resolve) => setTimeout(resolve, BACKLOG_RECHECK_MS));
      }
      await handle(messages);
    };
  }
}
