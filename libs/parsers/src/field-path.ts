/**
 * Writes into nested ECS objects by a path split once at start, so the hot
 * path never splits strings. Paths come from code or validated options, never
 * from the line itself, except where the caller has dropped forbidden keys.
 */
export type FieldPath = readonly string[];

export function setField(target: Record<string, unknown>, path: FieldPath, value: unknown): void {
  parentAt(target, path, path.length - 1)[path[path.length - 1] as string] = value;
}

/** The object at `path`, created (replacing anything that is not an object) where missing. */
export function objectAt(target: Record<string, unknown>, path: FieldPath): Record<string, unknown> {
  return parentAt(target, path, path.length);
}

function parentAt(target: Record<string, unknown>, path: FieldPath, depth: number): Record<string, unknown> {
  let parent = target;
  for (let index = 0; index < depth; index++) {
    const key = path[index] as string;
    const existing = parent[key];
    if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) {
      parent = existing as Record<string, unknown>;
    } else {
      const child: Record<string, unknown> = {};
      parent[key] = child;
      parent = child;
    }
  }
  return parent;
}

/** `'a.b.c'` → `['a', 'b', 'c']`. */
export function fieldPath(dotted: string): FieldPath {
  return Object.freeze(dotted.split('.'));
}

/** Non-negative integer of 1–15 digits, or undefined (also for "-" and the empty string). */
export function parseCount(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  let value = 0;
  for (let index = 0; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/** Decimal number such as `0.005` or `12`, or undefined. */
export function parseDecimal(text: string): number | undefined {
  if (text.length === 0 || text.length > 24) return undefined;
  let dots = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x2e) dots++;
    else if (code < 0x30 || code > 0x39) return undefined;
  }
  if (dots > 1 || text.charCodeAt(0) === 0x2e || text.charCodeAt(text.length - 1) === 0x2e) return undefined;
  return Number(text);
}
