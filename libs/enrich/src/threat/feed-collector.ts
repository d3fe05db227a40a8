/**
 * Gathers what one indicator file yields: the indicators, and per reason the
 * entries skipped as malformed (a warning) or ignored on purpose (revoked,
 * expired, not meant for detection, a type this lib does not match).
 */
import { readIndicator, type ExpectedKind, type Indicator, type IndicatorContext, type IndicatorValue } from './indicator';

const MAX_EXAMPLES = 3;

export interface FeedContent {
  readonly indicators: Indicator[];
  readonly skipped: ReadonlyMap<string, number>;
  readonly ignored: ReadonlyMap<string, number>;
  /** A few skipped entries with where they are, for the warning. */
  readonly examples: readonly string[];
}

export class FeedCollector implements FeedContent {
  readonly indicators: Indicator[] = [];
  readonly skipped = new Map<string, number>();
  readonly ignored = new Map<string, number>();
  readonly examples: string[] = [];

  constructor(readonly feed: string) {}

  /** Adds the indicator read from `raw`, or counts it as skipped; `where` says where it is, e.g. "line 12". */
  add(raw: string, where: string, context: Omit<IndicatorContext, 'feed'> = {}, expected?: ExpectedKind): void {
    const read = readIndicator(raw, expected);
    if (typeof read === 'string') this.skip(read, where, raw);
    else this.indicators.push(withContext(read, context, this.feed));
  }

  skip(reason: string, where: string, raw?: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    if (this.examples.length < MAX_EXAMPLES) {
      const shown = raw === undefined ? '' : `: ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)}`;
      this.examples.push(`${where} (${reason})${shown}`);
    }
  }

  ignore(reason: string): void {
    this.ignored.set(reason, (this.ignored.get(reason) ?? 0) + 1);
  }

  get skippedCount(): number {
    let total = 0;
    for (const count of this.skipped.values()) total += count;
    return total;
  }
}

function withContext(value: IndicatorValue, context: Omit<IndicatorContext, 'feed'>, feed: string): Indicator {
  const indicator: { -readonly [K in keyof Indicator]: Indicator[K] } = { ...value, feed };
  if (context.provider) indicator.provider = context.provider;
  if (context.description) indicator.description = context.description;
  if (context.confidence) indicator.confidence = context.confidence;
  if (context.id) indicator.id = context.id;
  return indicator;
}
