import { intervalMs } from '@siem/store';

/** Intervals an automatic date histogram chooses from: round units an analyst reads at a glance. */
const LADDER = ['1s', '5s', '10s', '30s', '1m', '5m', '10m', '30m', '1h', '3h', '6h', '12h', '1d', '7d', '30d'] as const;
const TARGET_BUCKETS = 50;

/** The smallest interval of the ladder that covers [from, to] in at most about 50 buckets. */
export function autoInterval(fromMs: number, toMs: number): string {
  const span = Math.max(0, toMs - fromMs);
  return LADDER.find((interval) => span / intervalMs(interval) <= TARGET_BUCKETS) ?? '30d';
}

/** Buckets a fixed interval makes over a range, past which a histogram is refused rather than built. */
export const MAX_HISTOGRAM_BUCKETS = 10_000;
