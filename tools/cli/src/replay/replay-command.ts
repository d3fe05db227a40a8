import { createBus } from '@siem/bus';
import type { SiemConfig } from '@siem/config';
import { compileEventQuery } from '@siem/edge';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import type { Logger } from '@siem/telemetry';
import { resolveTime } from '../search-command';
import { replayProgressLine, replayRaw, type RawReplayProgress } from './replay-raw';

export interface ReplayCommandOptions {
  readonly from: string;
  readonly to?: string;
  readonly query?: string;
  readonly progress: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * The `--query` filter: the search language on the raw line (`raw`, free text)
 * and on the fields the auto parser reads from it, as edge pipelines do.
 */
export function rawFilter(query: string): (record: RawRecord) => boolean {
  const matches = compileEventQuery(query);
  const auto = createParser('auto');
  return (record) => {
    const raw = record.payload.toString('utf8');
    let parsed: Record<string, unknown> | undefined;
    return matches({
      raw,
      lookup: (field) => {
        if (field === 'raw') return [raw];
        if (parsed === undefined) {
          const result = auto.parse(record);
          parsed = result.ok ? (result.event as Record<string, unknown>) : {};
        }
        let value: unknown = parsed;
        for (const part of field.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
        return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
      },
    });
  };
}

export async function runReplay(config: SiemConfig, options: ReplayCommandOptions, logger: Logger): Promise<RawReplayProgress> {
  const fromMs = Date.parse(resolveTime(options.from)!);
  const toMs = options.to === undefined ? Date.now() : Date.parse(resolveTime(options.to)!);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new Error(`--from and --to take an ISO 8601 time or a relative one (1h, now-15m), not ${options.from} / ${options.to}.`);
  if (!(fromMs <= toMs)) throw new Error(`--from (${options.from}) is after --to (${options.to ?? 'now'}); swap them.`);
  let last = 0;
  return replayRaw({
    bus: createBus(config, logger, 'replay'),
    rawTopic: config.kafka.rawTopic,
    fromMs,
    toMs,
    envelope: config.collector.batchEnvelope,
    ...(options.query !== undefined && { filter: rawFilter(options.query) }),
    onProgress: (progress) => {
      const now = Date.now();
      if (now - last < (options.progress.isTTY ? 200 : 5_000)) return;
      last = now;
      options.progress.write(options.progress.isTTY ? `\r${replayProgressLine(progress)}` : `${replayProgressLine(progress)}\n`);
    },
  });
}

export function replayRawSummary(result: RawReplayProgress): string {
  return `\n${replayProgressLine(result)}\ndone in ${result.seconds.toFixed(1)} s: ${result.replayed.toLocaleString('en')} raw records sent through the pipeline again with their original event ids (the processor replaces those events with what the current parsers and rules make of them), ${result.skipped.toLocaleString('en')} outside the range or the query, ${result.unreadable} unreadable.\n`;
}
