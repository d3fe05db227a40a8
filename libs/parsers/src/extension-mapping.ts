/**
 * CEF and LEEF both carry vendor key=value pairs, some of which have an ECS
 * home (`src` → `source.ip`) or another role (a time, a label name). Each
 * format declares a table from key to role, compiled once at start; per event
 * each pair is looked up once, while the object of all pairs is built, and
 * only the keys present are acted on.
 */
import type { EcsFields } from './body-format';
import { fieldPath, objectAt, setField, type FieldPath } from './field-path';
import { isForbiddenKey } from './keys';

export interface FieldRule {
  readonly path: FieldPath;
  /** The ECS value, or undefined when the text does not fit the field's type. */
  readonly convert: (text: string) => unknown;
  /** The converter returns several fields to set under `path` (e.g. `network.transport` and `network.iana_number`). */
  readonly spread: boolean;
}

const asIs = (text: string): string => text;

export function fieldRule(path: string, convert: (text: string) => unknown = asIs): FieldRule {
  return { path: fieldPath(path), convert, spread: false };
}

export function spreadRule(path: string, convert: (text: string) => Record<string, unknown> | undefined): FieldRule {
  return { path: fieldPath(path), convert, spread: true };
}

/** Sets the ECS field(s) of `rule` from `text`; empty or unfit values set nothing. */
export function applyFieldRule(rule: FieldRule, text: string, fields: EcsFields): void {
  if (text.length === 0) return;
  const value = rule.convert(text);
  if (value === undefined) return;
  if (!rule.spread) {
    setField(fields, rule.path, value);
    return;
  }
  const parts = value as Record<string, unknown>;
  let parent: Record<string, unknown> | undefined;
  for (const name in parts) {
    parent ??= objectAt(fields, rule.path);
    parent[name] = parts[name];
  }
}

/**
 * The pairs a scanner found in one line, in order, prototype-reaching keys
 * already dropped. Parsing is synchronous, so each format keeps one and
 * reuses it for every line.
 */
export class ScannedPairs {
  readonly keys: string[] = [];
  readonly values: string[] = [];
  count = 0;

  clear(): void {
    this.count = 0;
  }

  add(key: string, value: string): void {
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }
}

/**
 * The keys a format acts on, each with its role. Besides the roles, it keeps
 * the last value of each known key of the current line and the order in which
 * the keys first appeared, which is the order the pair object enumerates them in.
 */
export class KeyTable<Role> {
  readonly #slotByKey = new Map<string, number>();
  readonly #keys: string[] = [];
  readonly #roles: Role[] = [];
  readonly #values: Array<string | undefined> = [];
  readonly #found: number[] = [];
  #foundCount = 0;

  constructor(entries: ReadonlyArray<readonly [keys: readonly string[], role: Role]>) {
    for (const [keys, role] of entries) {
      for (const key of keys) {
        if (this.#slotByKey.has(key)) throw new Error(`Extension key "${key}" is declared twice.`);
        this.#slotByKey.set(key, this.#keys.length);
        this.#keys.push(key);
        this.#roles.push(role);
        this.#values.push(undefined);
      }
    }
  }

  /** The slot of a declared key, resolved once at start. */
  slot(key: string): number {
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) throw new Error(`Extension key "${key}" is not declared.`);
    return slot;
  }

  /**
   * Builds the object of all pairs (a repeated key keeps its last value, in
   * the place of its first) and notes the values of the known keys.
   */
  collect(pairs: ScannedPairs): Record<string, string> {
    for (let index = 0; index < this.#foundCount; index++) this.#values[this.#found[index] as number] = undefined;
    this.#foundCount = 0;
    const into: Record<string, string> = {};
    for (let index = 0; index < pairs.count; index++) {
      const key = pairs.keys[index] as string;
      const value = pairs.values[index] as string;
      const slot = this.#slotByKey.get(key);
      if (slot === undefined) {
        into[key] = value;
        continue;
      }
      if (this.#values[slot] === undefined) this.#found[this.#foundCount++] = slot;
      this.#values[slot] = value;
      into[this.#keys[slot] as string] = value;
    }
    return into;
  }

  /** The value of the key in `slot` on the current line, if present. */
  valueAt(slot: number): string | undefined {
    return this.#values[slot];
  }

  /** How many known keys the current line has. */
  get foundCount(): number {
    return this.#foundCount;
  }

  /** The slot of the `index`-th known key of the current line, in order of first appearance. */
  foundSlot(index: number): number {
    return this.#found[index] as number;
  }

  roleAt(slot: number): Role {
    return this.#roles[slot] as Role;
  }
}

const LABEL_SEPARATORS = /[. \t]/g;
const LABEL_CACHE_LIMIT = 256;
const MAX_LABEL_LENGTH = 128;
// A device names its custom fields the same way on every line, so the few names seen are remembered.
const keyByLabel = new Map<string, string | undefined>();

/**
 * `labels.<name>` keys: ECS labels are a flat map, so characters that would
 * make the store nest or split the key are replaced, and prototype-reaching
 * names are refused.
 */
export function labelKey(label: string): string | undefined {
  if (keyByLabel.has(label)) return keyByLabel.get(label);
  const trimmed = label.trim();
  const key = trimmed.length === 0 || trimmed.length > MAX_LABEL_LENGTH ? undefined : trimmed.replace(LABEL_SEPARATORS, '_');
  const allowed = key === undefined || isForbiddenKey(key) ? undefined : key;
  if (label.length > MAX_LABEL_LENGTH) return allowed;
  if (keyByLabel.size >= LABEL_CACHE_LIMIT) keyByLabel.clear();
  keyByLabel.set(label, allowed);
  return allowed;
}

