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

export function createAggregate(rule: CorrelationRule): Aggregate {
  switch (rule.correlation.type) {
    case 'value_count': {
      const occurrences = new Map<string | number | undefined, number>();
      return {
        add: (entry) => occurrences.set(entry.v, (occurrences.get(entry.v) ?? 0) + 1),
        remove: (entry) => {
          const left = (occurrences.get(entry.v) ?? 1) - 1;
          if (left === 0) occurrences.delete(entry.v);
          else occurrences.set(entry.v, left);
        },
        value: () => occurrences.size,
      };
    }
    case 'value_sum':
    case 'value_avg': {
      let sum = 0;
      let count = 0;
      const average = rule.correlation.type === 'value_avg';
      return {
        add: (entry) => {
          sum += entry.v as number;
          count += 1;
        },
        remove: (entry) => {
          sum -= entry.v as number;
          count -= 1;
        },
        value: () => (average ? (count === 0 ? 0 : sum / count) : sum),
      };
    }
    case 'value_percentile': {
      const sorted: number[] = [];
      const percentile = rule.correlation.condition?.percentile ?? 50;
      return {
        add: (entry) => sorted.splice(sortedIndex(sorted, entry.v as number), 0, entry.v as number),
        remove: (entry) => sorted.splice(sortedIndex(sorted, entry.v as number), 1),
        // Nearest rank: the smallest value with at least p% of the values at or below it.
        value: () => (sorted.length === 0 ? 0 : (sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)] as number)),
      };
    }
    default: {
      let count = 0;
      return {
        add: () => {
          count += 1;
        },
        remove: () => {
          count -= 1;
        },
        value: () => count,
      };
    }
  }
}
