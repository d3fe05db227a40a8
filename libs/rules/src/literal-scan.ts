/**
 * Finds which of many literals occur in a string in one pass. Each literal
 * is keyed by one of its three-character windows, the one least shared with
 * other literals and least made of characters common in any text (spaces,
 * path separators, dots, frequent letters); the scan hashes every window of
 * the input once, skips windows no literal is keyed by with one byte-table
 * read, and checks the few candidates of that hash slot in place (an array
 * indexed by the hash, not a map keyed by the window: a window key needs 48
 * bits, which makes it a heap number that is slow to hash). Literals of one or two
 * characters (a list of emoji) are looked up per character or pair instead.
 */

/** Table sizes: about 16 slots per literal, between 2^8 and 2^18, so a small list costs little memory and a large one few false hits. */
const MIN_TABLE_BITS = 8;
const MAX_TABLE_BITS = 18;
const WINDOW = 3;
const COMMON = new Set(' \\/.-:_"=\'eaiotnsrclx0123456789'.split('').map((char) => char.charCodeAt(0)));

interface Candidate<T> {
  readonly literal: string;
  /** Where the key pair sits in the literal. */
  readonly offset: number;
  readonly payload: T;
}

function windowKey(a: number, b: number, c: number): number {
  return (a * 65_536 + b) * 65_536 + c;
}

function windowHash(a: number, b: number, c: number): number {
  return Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) ^ c;
}

function keyAt(text: string, index: number): number {
  return windowKey(text.charCodeAt(index), text.charCodeAt(index + 1), text.charCodeAt(index + 2));
}

export class LiteralScanner<T> {
  /** Candidates by window hash slot; `#table` marks the occupied slots densely, so most windows never touch this array. */
  readonly #buckets: (Candidate<T>[] | undefined)[];
  readonly #table: Uint8Array;
  readonly #mask: number;
  /** Literals of one unit by that unit, and of two units by the first then the second (keys stay small integers). */
  readonly #singles = new Map<number, T[]>();
  readonly #pairs = new Map<number, Map<number, T[]>>();
  /** Marks the first unit of every short literal, so a unit that starts none costs one byte read. */
  #shortStarts: Uint8Array | undefined;
  readonly size: number;

  constructor(entries: readonly { literal: string; payload: T }[]) {
    const bits = Math.min(MAX_TABLE_BITS, Math.max(MIN_TABLE_BITS, Math.ceil(Math.log2(entries.length * 16 + 1))));
    this.#table = new Uint8Array(1 << bits);
    this.#mask = (1 << bits) - 1;
    this.#buckets = new Array<Candidate<T>[] | undefined>(1 << bits).fill(undefined);
    const counts = new Map<number, number>();
    for (const { literal } of entries) {
      for (let index = 0; index + WINDOW <= literal.length; index++) counts.set(keyAt(literal, index), (counts.get(keyAt(literal, index)) ?? 0) + 1);
    }
    for (const { literal, payload } of entries) {
      if (literal.length < WINDOW) {
        if (literal.length === 0) continue;
        const first = literal.charCodeAt(0);
        const table = literal.length === 1 ? this.#singles : (this.#pairs.get(first) ?? this.#pairs.set(first, new Map()).get(first)!);
        const key = literal.length === 1 ? first : literal.charCodeAt(1);
        const list = table.get(key) ?? [];
        list.push(payload);
        table.set(key, list);
        (this.#shortStarts ??= new Uint8Array(65_536))[first] = 1;
        continue;
      }
      let best = 0;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let index = 0; index + WINDOW <= literal.length; index++) {
        let common = 0;
        for (let k = 0; k < WINDOW; k++) if (COMMON.has(literal.charCodeAt(index + k))) common++;
        const score = (counts.get(keyAt(literal, index)) ?? 0) + common * 4;
        if (score < bestScore) {
          best = index;
          bestScore = score;
        }
      }
      const slot = windowHash(literal.charCodeAt(best), literal.charCodeAt(best + 1), literal.charCodeAt(best + 2)) & this.#mask;
      const bucket = (this.#buckets[slot] ??= []);
      bucket.push({ literal, offset: best, payload });
      this.#table[slot] = 1;
    }
    this.size = entries.length;
  }

  /** Calls `hit` with the payload of every literal found in `value` (once per occurrence); stops early when `hit` returns true. */
  scan(value: string, hit: (payload: T) => boolean | void): boolean {
    if (this.#shortStarts !== undefined && this.#scanShort(value, this.#shortStarts, hit)) return true;
    const table = this.#table;
    const mask = this.#mask;
    let a = value.charCodeAt(0);
    let b = value.charCodeAt(1);
    for (let index = 2; index < value.length; index++) {
      const c = value.charCodeAt(index);
      const slot = windowHash(a, b, c) & mask;
      if (table[slot] === 1) {
        // Literals keyed by other windows of the same slot are checked too: startsWith rules them out, and finds each occurrence once.
        for (const candidate of this.#buckets[slot] as Candidate<T>[]) {
          const start = index - 2 - candidate.offset;
          if (start >= 0 && value.startsWith(candidate.literal, start) && hit(candidate.payload) === true) return true;
        }
      }
      a = b;
      b = c;
    }
    return false;
  }

  #scanShort(value: string, starts: Uint8Array, hit: (payload: T) => boolean | void): boolean {
    for (let index = 0; index < value.length; index++) {
      const unit = value.charCodeAt(index);
      if (starts[unit] !== 1) continue;
      const singles = this.#singles.get(unit);
      if (singles !== undefined) for (const payload of singles) if (hit(payload) === true) return true;
      const pairs = index + 1 < value.length ? this.#pairs.get(unit)?.get(value.charCodeAt(index + 1)) : undefined;
      if (pairs !== undefined) for (const payload of pairs) if (hit(payload) === true) return true;
    }
    return false;
  }

  /** Whether any literal occurs in `value`. */
  any(value: string): boolean {
    return this.scan(value, () => true);
  }
}
