/**
 * What a correlation measures over the events of one window, kept up to date
 * as events enter and leave: O(1) per event for counts, distinct values and
 * sums (a value → occurrences map, so thousands of distinct values cost no
 * rescans), O(log n + n) per event for a percentile (one sorted array).
 */
import type { CorrelationRule } from './schema';

/** One matched event in a window: its time, id and the value the correlation reads (a distinct key or a number). */
export interface WindowEntry {
  readonly t: number;
  readonly id: string;
  readonly v?: string | number;
}

export interface Aggregate {
  add(entry: WindowEntry): void;
  remove(entry: WindowEntry): void;
  value(): number;
}

function sortedIndex(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

class EventCount implements Aggregate {
  private count = 0;
  add(): void {
    this.count += 1;
  }
  remove(): void {
    this.count -= 1;
  }
  value(): number {
    return this.count;
  }
}

class DistinctCount implements Aggregate {
  private readonly occurrences = new Map<string | number | undefined, number>();
  add(entry: WindowEntry): void {
    this.occurrences.set(entry.v, (this.occurrences.get(entry.v) ?? 0) + 1);
  }
  remove(entry: WindowEntry): void {
    const left = (this.occurrences.get(entry.v) ?? 1) - 1;
    if (left === 0) this.occurrences.delete(entry.v);
    else this.occurrences.set(entry.v, left);
  }
  value(): number {
    return this.occurrences.size;
  }
}

class Sum implements Aggregate {
  private sum = 0;
  private count = 0;
  constructor(private readonly average: boolean) {}
  add(entry: WindowEntry): void {
    this.sum += entry.v as number;
    this.count += 1;
  }
  remove(entry: WindowEntry): void {
    this.sum -= entry.v as number;
    this.count -= 1;
  }
  value(): number {
    return this.average ? (this.count === 0 ? 0 : this.sum / this.count) : this.sum;
  }
}

class Percentile implements Aggregate {
  private readonly sorted: number[] = [];
  constructor(private readonly percentile: number) {}
  add(entry: WindowEntry): void {
    this.sorted.splice(sortedIndex(this.sorted, entry.v as number), 0, entry.v as number);
  }
  remove(entry: WindowEntry): void {
    this.sorted.splice(sortedIndex(this.sorted, entry.v as number), 1);
  }
  /** Nearest rank: the smallest value with at least p% of the values at or below it. */
  value(): number {
    if (this.sorted.length === 0) return 0;
    return this.sorted[Math.max(0, Math.ceil((this.percentile / 100) * this.sorted.length) - 1)] as number;
  }
}

export function createAggregate(rule: CorrelationRule): Aggregate {
  switch (rule.correlation.type) {
    case 'value_count':
      return new DistinctCount();
    case 'value_sum':
      return new Sum(false);
    case 'value_avg':
      return new Sum(true);
    case 'value_percentile':
      return new Percentile(rule.correlation.condition?.percentile ?? 50);
    default:
      return new EventCount();
  }
}
