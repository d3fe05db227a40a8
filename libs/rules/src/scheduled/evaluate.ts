import { createHash } from 'node:crypto';
import type { ScheduledRule } from './schema';

/** A group of a run: the values of the threshold's or new_terms' fields (in their order) and its event count. */
export interface RunGroup {
  readonly values: readonly unknown[];
  readonly count: number;
  /** Some event ids of the group, newest first. */
  readonly eventIds: readonly string[];
}

/** Deterministic, so a run repeated after a restart writes the same alerts: rule + scheduled time + group. */
export function scheduledAlertId(ruleId: string, runAt: number, values: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify([ruleId, runAt, values])).digest('hex').slice(0, 40);
}

/** Whether a count passes the rule's threshold (no threshold: any event). */
export function passesThreshold(rule: ScheduledRule, count: number): boolean {
  const threshold = rule.scheduled.threshold;
  if (threshold === undefined) return count > 0;
  if (threshold.gt !== undefined) return count > threshold.gt;
  return count >= (threshold.gte ?? 1);
}

/** The field values of an event, by dotted name (nested or flat); undefined when any is missing, since a group needs all of them. */
export function groupValues(event: Readonly<Record<string, unknown>>, fields: readonly string[]): unknown[] | undefined {
  const values: unknown[] = [];
  for (const field of fields) {
    let value: unknown = field in event ? event[field] : event;
    if (!(field in event)) {
      for (const part of field.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined || value === null || typeof value === 'object') return undefined;
    values.push(value);
  }
  return values;
}

/**
 * Adds events into groups by the values of `fields`, keeping at most `maxGroups` groups (new
 * values past the cap are counted in `dropped`, not grouped) and a few event ids per group.
 */
export class GroupCounter {
  private readonly groups = new Map<string, { values: unknown[]; count: number; eventIds: string[] }>();
  dropped = 0;

  constructor(
    private readonly fields: readonly string[],
    private readonly maxGroups: number,
    private readonly idsPerGroup = 10,
  ) {}

  add(id: string, event: Readonly<Record<string, unknown>>): void {
    const values = groupValues(event, this.fields);
    if (values === undefined) return;
    const key = JSON.stringify(values);
    let group = this.groups.get(key);
    if (group === undefined) {
      if (this.groups.size >= this.maxGroups) {
        this.dropped += 1;
        return;
      }
      group = { values, count: 0, eventIds: [] };
      this.groups.set(key, group);
    }
    group.count += 1;
    if (group.eventIds.length < this.idsPerGroup) group.eventIds.push(id);
  }

  result(): RunGroup[] {
    return [...this.groups.values()];
  }
}
