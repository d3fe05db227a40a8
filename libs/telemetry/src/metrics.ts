/**
 * A minimal Prometheus registry: stages count what they receive, send and drop
 * (by reason) instead of logging each event, and report levels (queue depth,
 * lag) as gauges that a collect hook refreshes just before each scrape.
 */
type Labels = Readonly<Record<string, string>>;

abstract class Metric {
  protected readonly values = new Map<string, number>();
  protected abstract readonly type: 'counter' | 'gauge';

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${value}`);
    return lines.join('\n');
  }
}

export class Counter extends Metric {
  protected readonly type = 'counter';

  inc(labels: Labels = {}, by = 1): void {
    this.add(labelKey(labels), by);
  }

  /** The series for `labels`, with its key rendered once: for counters bumped per record on a hot path. */
  bind(labels: Labels): BoundCounter {
    const key = labelKey(labels);
    return { inc: (by = 1) => this.add(key, by) };
  }

  private add(key: string, by: number): void {
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

export interface BoundCounter {
  inc(by?: number): void;
}

export class Gauge extends Metric {
  protected readonly type = 'gauge';

  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }

  /** Drops every series, so that a collect hook can set only the label sets that exist now. */
  reset(): void {
    this.values.clear();
  }
}

/**
 * Cumulative buckets plus `_sum` and `_count`, as Prometheus histograms are rendered; the
 * bucket bounds are fixed at creation so every series of one histogram can be aggregated.
 */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    this.bounds.forEach((bound, i) => {
      if (value <= bound) series.buckets[i]!++;
    });
    series.sum += value;
    series.count++;
  }

  /** Observations of `labels` so far. */
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, { labels, buckets, sum, count }] of this.series) {
      this.bounds.forEach((bound, i) => lines.push(`${this.name}_bucket${labelKey({ ...labels, le: String(bound) })} ${buckets[i]}`));
      lines.push(`${this.name}_bucket${labelKey({ ...labels, le: '+Inf' })} ${count}`, `${this.name}_sum${key} ${sum}`, `${this.name}_count${key} ${count}`);
    }
    return lines.join('\n');
  }
}

function labelKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${String(labels[n]).replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',')}}`;
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric | Histogram>();
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help), Counter);
  }

  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help), Gauge);
  }

  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, bounds), Histogram);
  }

  /** Runs `collect` before every render, to set gauges from the current state. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  render(): string {
    for (const collect of this.collectors) collect();
    return [...this.metrics.values()].map((m) => m.render()).join('\n') + '\n';
  }

  private register<T extends Metric | Histogram>(name: string, create: () => T, kind: abstract new (...args: never[]) => T): T {
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new TypeError(`The metric ${name} is already registered as another type.`);
      return existing;
    }
    const metric = create();
    this.metrics.set(name, metric);
    return metric;
  }
}
