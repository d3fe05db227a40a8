import type { EdgeCounts, EdgePipelines } from '@siem/edge';
import type { RawRecord } from '@siem/schema';
import type { Logger, MetricsRegistry } from '@siem/telemetry';

export interface EdgeStage {
  /** What inputs call: the records the pipelines keep go on to `accept`. */
  accept(records: readonly RawRecord[]): Promise<void>;
  /** The configuration version running, for the heartbeat. */
  readonly version: string;
  /** Swaps the pipelines; the old ones hand over their counts and open aggregates first. */
  replace(next: EdgePipelines): void;
  start(): void;
  /** Ships the last counts and open aggregates. */
  stop(): Promise<void>;
}

/** Summaries and closed aggregation windows are checked for once a second. */
const DRAIN_MS = 1000;

/**
 * The edge pipelines between the inputs and the delivery path. Records the
 * pipelines remove count as accepted for their sender: dropping them is the
 * site's choice, and the counts still reach the centre as summary events.
 */
export function createEdgeStage(initial: EdgePipelines | undefined, accept: (records: readonly RawRecord[]) => Promise<void>, logger: Logger, metrics: MetricsRegistry): EdgeStage {
  let pipelines = initial;
  let timer: NodeJS.Timeout | undefined;
  const outcomes = metrics.counter('siem_collector_edge_records_total', 'Records through the edge pipelines, by input and outcome (passed, dropped, sampled_out, aggregated).');
  // What the metric already counted, per pipelines instance and input: their totals only grow.
  let reported = new Map<string, EdgeCounts>();
  const countOutcomes = () => {
    for (const [input, total] of Object.entries(pipelines?.totals() ?? {})) {
      const before = reported.get(input);
      outcomes.inc({ input, outcome: 'passed' }, total.passed - (before?.passed ?? 0));
      outcomes.inc({ input, outcome: 'dropped' }, total.dropped - (before?.dropped ?? 0));
      outcomes.inc({ input, outcome: 'sampled_out' }, total.sampledOut - (before?.sampledOut ?? 0));
      outcomes.inc({ input, outcome: 'aggregated' }, total.aggregated - (before?.aggregated ?? 0));
      reported.set(input, total);
    }
  };
  metrics.onCollect(countOutcomes);
  const ship = (records: readonly RawRecord[]) => {
    if (records.length === 0) return;
    accept(records).catch((error: unknown) => logger.warn({ err: error, records: records.length }, 'Edge summary records were not delivered; their counts are lost.'));
  };
  const drain = (final: boolean) => {
    if (!pipelines) return;
    countOutcomes();
    ship(pipelines.drain(final));
  };
  return {
    accept: (records) => (pipelines === undefined || pipelines.isEmpty ? accept(records) : accept(pipelines.process(records))),
    get version() {
      return pipelines?.config.version ?? 'none';
    },
    replace(next) {
      drain(true);
      pipelines = next;
      reported = new Map();
    },
    start() {
      timer = setInterval(() => drain(false), DRAIN_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      if (!pipelines) return;
      countOutcomes();
      const records = pipelines.drain(true);
      if (records.length > 0) await accept(records);
    },
  };
}
