import type { ChunkHandler } from '@siem/bus';

/**
 * Precedence between the two priority classes inside one worker: the high
 * topic's consumer and the raw topic's run side by side, and a normal chunk
 * starts only while no high chunk is in progress, so under a flood the store
 * and the CPU go to high records first. A normal chunk already started runs
 * to its end (one chunk is the most a high record waits behind).
 */
export class PriorityGate {
  private highInProgress = 0;
  private waiters: (() => void)[] = [];

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

  /** Wraps the normal class's handler: each chunk waits until no high chunk runs. */
  normal(handle: ChunkHandler): ChunkHandler {
    return async (messages) => {
      while (this.highInProgress > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      await handle(messages);
    };
  }
}
