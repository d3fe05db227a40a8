/**
 * Regular expressions of the `re` modifier run on RE2JS, a linear-time
 * engine: no pattern can make matching one value cost more than a constant
 * times its length, so no rule can stall a worker. What RE2 cannot run
 * (backreferences, lookarounds, possessive quantifiers) is refused when the
 * rule is saved, with the engine's own explanation.
 */
import { RE2JS } from 're2js';

export interface CompiledRegex {
  test(value: string): boolean;
  /** Lower-cased text every match contains (for the pre-filter), '' when none is evident. */
  readonly literal: string;
}

/** Longer values are cut to this many characters before the regex runs, which bounds the work per event. */
export const MAX_REGEX_INPUT = 65_536;

export function compileRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }): CompiledRegex {
  const options = (flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (flags.m ? RE2JS.MULTILINE : 0) | (flags.s ? RE2JS.DOTALL : 0);
  const pattern = RE2JS.compile(source, options);
  // `.{1000,}` (long command lines) costs RE2JS a state per repetition: shorter values cannot match, so skip them.
  const minimum = /^\^?\.\{(\d+),\d*\}/.exec(source);
  const shortest = minimum === null ? 0 : Number(minimum[1]);
  return {
    test(value: string): boolean {
      if (value.length < shortest) return false;
      // test() asks for no capture groups, so RE2JS runs its DFA (still linear; past its memory budget it falls back to the NFA) instead of the backtracker a Matcher uses.
      return pattern.test(value.length > MAX_REGEX_INPUT ? value.slice(0, MAX_REGEX_INPUT) : value);
    },
    literal: requiredLiteral(source),
  };
}

const SPECIAL = new Set(['.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '\\']);

/**
 * The longest run of plain characters outside groups and classes, in a
 * regex without top-level alternation: every match contains it, so it can
 * serve the literal pre-filter. Escaped punctuation counts as plain.
 */
export function requiredLiteral(source: string): string {
  let depth = 0;
  let inClass = false;
  let best = '';
  let run = '';
  const close = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let index = 0; index < source.length; index++) {
    const char = source[index] as string;
    if (inClass) {
      if (char === '\\') index++;
      else if (char === ']') inClass = false;
      continue;
    }
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      index++;
      if (depth === 0 && /[^A-Za-z0-9]/.test(next) && !isOptional(source, index + 1)) run += next;
      else close();
      continue;
    }
    if (char === '|' && depth === 0) return '';
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '[') inClass = true;
    if (SPECIAL.has(char) || depth > 0) {
      close();
      continue;
    }
    if (isOptional(source, index + 1)) {
      close();
      continue;
    }
    run += char;
    // A quantifier after the next character repeats only that one: the run so far stays required.
  }
  close();
  return best.toLowerCase();
}

/** Whether the atom ending before `index` may be absent or repeated (?, *, {0,...}); + keeps one copy. */
function isOptional(source: string, index: number): boolean {
  const next = source[index];
  return next === '?' || next === '*' || (next === '{' && /^\{0[,}]/.test(source.slice(index))) || next === '+' || next === '{';
}
