import type { SchedulerStateStore } from '@siem/store';

/**
 * Where an action's throttle is counted: `take` counts one notification of `key` in the window
 * that starts at `windowStart` when fewer than `max` were counted in it, and says whether it did.
 * The processor workers and the scheduler pass the store's (SchedulerStateStore.takeThrottle),
 * which every process shares, so N workers together still send at most `max`.
 */
export interface ThrottleCounter {
  take(key: string, windowStart: number, max: number): Promise<boolean> | boolean;
}

/** A throttle counted in this process only: for a dispatcher that is alone (tests, a single process). */
export class LocalThrottle implements ThrottleCounter {
  private readonly windows = new Map<string, { start: number; sent: number }>();

  take(key: string, windowStart: number, max: number): boolean {
    const current = this.windows.get(key);
    if (current === undefined || current.start !== windowStart) {
      // Keys of past windows are dropped as they come back, so the map holds one entry per active action.
      this.windows.set(key, { start: windowStart, sent: 1 });
      return max > 0;
    }
    if (current.sent >= max) return false;
    current.sent++;
    return true;
  }
}

/** The throttle of the store every process shares (the scheduler state store), opened on first use. */
export function sharedThrottle(state: Pick<SchedulerStateStore, 'ensureReady' | 'takeThrottle'>): ThrottleCounter {
  let ready: Promise<void> | undefined;
  return {
    async take(key, windowStart, max) {
      ready ??= state.ensureReady().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      return state.takeThrottle(key, windowStart, max);
    },
  };
}
