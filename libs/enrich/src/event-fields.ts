/**
 * Defensive access to event fields: events come from senders, so any field
 * may hold a string where an object is expected, or an array.
 */
import type { EcsEvent } from '@siem/schema';

export type Fields = Record<string, unknown>;

export function objectAt(parent: unknown, key: string): Fields | undefined {
  const child = parent !== null && typeof parent === 'object' ? (parent as Fields)[key] : undefined;
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Fields) : undefined;
}

/** The value at a dotted path, e.g. `dns.question.name`. */
export function valueAt(event: EcsEvent, path: readonly string[]): unknown {
  let current: unknown = event;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Fields)[key];
  }
  return current;
}

/** Returns the object at `key`, creating it when absent; undefined when the key holds something else. */
export function ensureObject(parent: Fields, key: string): Fields | undefined {
  const child = parent[key];
  if (child === undefined) {
    const created: Fields = {};
    parent[key] = created;
    return created;
  }
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Fields) : undefined;
}

/** ECS `tags`: added once; a non-array `tags` from a sender is kept as the first tag. */
export function addTag(event: EcsEvent, tag: string): void {
  const tags = event.tags;
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else {
    event.tags = tags === undefined || tags === null ? [tag] : [String(tags), tag];
  }
}

/** Strings of a field that ECS allows to be a value or an array of values. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
