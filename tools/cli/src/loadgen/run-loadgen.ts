import { lineGenerator, type GeneratedLine, type LineKind } from './mixed-lines';
import type { BatchOutcome, LineSender, Via } from './senders';

export interface LoadgenOptions {
  /** Lines per second. */
  readonly rate: number;
  readonly durationMs: number;
  readonly mix: readonly LineKind[];
  readonly via: Via;
  readonly seed?: number;
  /** Where progress goes, a line a second; none when undefined. */
  readonly progress?: { write(text: string): unknown };
}

export interface LoadgenResult {
  readonly via: Via;
  readonly sent: number;
  /** Undefined for syslog over UDP, TCP and TLS: the protocol confirms nothing. */
  readonly acknowledged?: number;
  readonly rejected: number;
  /** Batches that failed outright (connection lost, HTTP error without an answer). */
  readonly failedBatches: number;
  readonly seconds: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/** The pacing step: each tick sends what the rate owes since the start, so a slow tick is caught up on the next. */
const TICK_MS = 50;
/** A tick never sends more than this many seconds of traffic, so a stalled receiver does not turn into a burst. */
const MAX_CATCH_UP_S = 1;

/**
 * Sends generated lines at a steady rate for a duration and adds up what the
 * receiver acknowledged and refused. One batch is in flight at a time: when
 * the receiver is slower than the rate, the achieved rate shows it.
 */
export async function runLoadgen(options: LoadgenOptions, sender: LineSender): Promise<LoadgenResult> {
  if (!(options.rate > 0)) throw new Error('--rate must be a positive number of lines per second.');
  const next = lineGenerator({ mix: options.mix, seed: options.seed });
  const started = Date.now();
  let sent = 0;
  let acknowledged = 0;
  let confirmable = true;
  let rejected = 0;
  let failedBatches = 0;
  let lastProgress = started;
  const byKind: Record<string, number> = {};
  const account = (lines: readonly GeneratedLine[], outcome: BatchOutcome) => {
    sent += lines.length;
    rejected += outcome.rejected;
    if (outcome.acknowledged === undefined) confirmable = false;
    else acknowledged += outcome.acknowledged;
    for (const line of lines) byKind[line.kind] = (byKind[line.kind] ?? 0) + 1;
  };
  for (;;) {
    const elapsed = Date.now() - started;
    if (elapsed >= options.durationMs) break;
    const owed = Math.min(Math.floor((options.rate * elapsed) / 1000) - sent, Math.ceil(options.rate * MAX_CATCH_UP_S));
    if (owed > 0) {
      const lines = Array.from({ length: owed }, next);
      try {
        account(lines, await sender.send(lines));
      } catch {
        failedBatches++;
        account(lines, { acknowledged: 0, rejected: lines.length });
      }
    }
    if (options.progress && Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      options.progress.write(`${loadgenLine({ sent, acknowledged, confirmable, rejected, seconds: (lastProgress - started) / 1000 })}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await sender.close();
  const seconds = (Date.now() - started) / 1000;
  return { via: options.via, sent, ...(confirmable && { acknowledged }), rejected, failedBatches, seconds, byKind };
}

const count = (value: number) => value.toLocaleString('en');

function loadgenLine(state: { sent: number; acknowledged: number; confirmable: boolean; rejected: number; seconds: number }): string {
  const rate = Math.round(state.sent / Math.max(state.seconds, 0.001));
  return `sent ${count(state.sent)} (${count(rate)}/s), acknowledged ${state.confirmable ? count(state.acknowledged) : 'n/a'}, rejected ${count(state.rejected)}`;
}

/** The closing line of `siem loadgen`. */
export function loadgenSummary(result: LoadgenResult): string {
  const kinds = Object.entries(result.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${count(n)}`)
    .join(', ');
  const acknowledged = result.acknowledged === undefined ? `acknowledged n/a (syslog over ${result.via} has no acknowledgement; compare siem_collector_received_total)` : `acknowledged ${count(result.acknowledged)}`;
  const failed = result.failedBatches > 0 ? `, ${count(result.failedBatches)} batches failed` : '';
  return `done via ${result.via}: sent ${count(result.sent)} lines in ${result.seconds.toFixed(1)} s (${count(Math.round(result.sent / Math.max(result.seconds, 0.001)))}/s; ${kinds}), ${acknowledged}, rejected ${count(result.rejected)}${failed}.`;
}

/** `60s`, `2m`, `500ms` or plain seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: "${text}" is not a duration; use e.g. 60s, 2m or 500ms.`);
  const unit = match[2] ?? 's';
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}
