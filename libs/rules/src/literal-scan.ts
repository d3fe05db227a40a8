/**
 * Finds which of many literals occur in a string in one pass. Each literal
 * is keyed by its rarest two-character window (rarest among all the
 * literals, so a common pair such as "\w" of "\windows" keys few of them);
 * the scan looks at every pair of the input once, skips pairs no literal is
 * keyed by with one table read, and checks the few candidates in place.
 * Literals of one character are kept apart and searched with indexOf.
 */

const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

interface Candidate<T> {
  readonly literal: string;
  /** Where the key pair sits in the literal. */
  readonly offset: number;
  readonly payload: T;
}

function pairKey(first: number, second: number): number {
  return first * 65_536 + second;
}

function pairHash(first: number, second: number): number {
  return (Math.imul(first, 0x9e3779b1) ^ second) & TABLE_MASK;
}

export class LiteralScanner<T> {
  readonly #buckets = new Map<number, Candidate<T>[]>();
  readonly #table = new Uint8Array(1 << TABLE_BITS);
  readonly #single: { literal: string; payload: T }[] = [];
  readonly size: number;

  constructor(entries: readonly { literal: string; payload: T }[]) {
    const counts = new Map<number, number>();
    for (const { literal } of entries) {
      for (let index = 0; index + 1 < literal.length; index++) {
        const key = pairKey(literal.charCodeAt(index), literal.charCodeAt(index + 1));
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const { literal, payload } of entries) {
      if (literal.length < 2) {
        this.#single.push({ literal, payload });
        continue;
      }
      let best = 0;
      let bestCount = Number.POSITIVE_INFINITY;
      for (let index = 0; index + 1 < literal.length; index++) {
        const count = counts.get(pairKey(literal.charCodeAt(index), literal.charCodeAt(index + 1))) ?? 0;
        if (count < bestCount) {
          best = index;
          bestCount = count;
        }
      }
      const first = literal.charCodeAt(best);
      const second = literal.charCodeAt(best + 1);
      const key = pairKey(first, second);
      const bucket = this.#buckets.get(key) ?? [];
      bucket.push({ literal, offset: best, payload });
      this.#buckets.set(key, bucket);
      this.#table[pairHash(first, second)] = 1;
    }
    this.size = entries.length;
  }

  /** Calls `hit` with the payload of every literal found in `value` (once per occurrence); stops early when `hit` returns true. */
  scan(value: string, hit: (payload: T) => boolean | void): boolean {
    for (const single of this.#single) if (value.includes(single.literal) && hit(single.payload) === true) return true;
    const table = this.#table;
    let first = value.charCodeAt(0);
    for (let index = 1; index < value.length; index++) {
      const second = value.charCodeAt(index);
      if (table[pairHash(first, second)] === 1) {
        const bucket = this.#buckets.get(pairKey(first, second));
        if (bucket !== undefined) {
          for (const candidate of bucket) {
            const start = index - 1 - candidate.offset;
            if (start >= 0 && value.startsWith(candidate.literal, start) && hit(candidate.payload) === true) return true;
          }
        }
      }
      first = second;
    }
    return false;
  }

  /** Whether any literal occurs in `value`. */
  any(value: string): boolean {
    return this.scan(value, () => true);
  }
}
