import { cronMatches, parseCron } from './cron';
import type { ScheduledRule } from './schema';
import { durationMs } from './validate';

const MINUTE = 60_000;

/**
 * The scheduled times of a rule in (after, until], oldest first, at most `limit` of the newest
 * (a rule down for a day at one run a minute is not run 1,440 times): `skipped` says how many
 * older ones were left out. Intervals are aligned to the epoch; cron times are whole UTC minutes.
 */
export function runsBetween(rule: ScheduledRule, after: number, until: number, limit: number): { runs: number[]; skipped: number } {
  const times: number[] = [];
  let total = 0;
  const keep = (time: number) => {
    total += 1;
    times.push(time);
    if (times.length > limit) times.shift();
  };
  if (rule.scheduled.interval !== undefined) {
    const every = durationMs(rule.scheduled.interval);
    const first = Math.floor(after / every) * every + every;
    const count = first > until ? 0 : Math.floor((until - first) / every) + 1;
    for (let n = Math.max(0, count - limit); n < count; n++) times.push(first + n * every);
    return { runs: times, skipped: Math.max(0, count - limit) };
  }
  const schedule = parseCron(rule.scheduled.cron!);
  for (let time = Math.floor(after / MINUTE) * MINUTE + MINUTE; time <= until; time += MINUTE) {
    if (cronMatches(schedule, new Date(time))) keep(time);
  }
  return { runs: times, skipped: total - times.length };
}
