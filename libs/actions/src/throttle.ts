/**
 * At most `max` notifications per action per window (windows aligned on the epoch), counted
 * in this process: each processor worker keeps its own count, so N workers send at most N×max.
 */
export class Throttle {
  private readonly windows = new Map<string, { start: number; sent: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether one more notification of `key` may go now; counts it when it may. */
  take(key: string, max: number, windowMs: number): boolean {
    const start = Math.floor(this.now() / windowMs) * windowMs;
    const current = this.windows.get(key);
    if (current === undefined || current.start !== start) {
      // Keys of past windows are dropped as they come back, so the map holds one entry per active action.
      this.windows.set(key, { start, sent: 1 });
      return true;
    }
    if (current.sent >= max) return false;
    current.sent++;
    return true;
  }
}
