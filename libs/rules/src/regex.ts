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
}

/** Longer values are cut to this many characters before the regex runs, which bounds the work per event. */
export const MAX_REGEX_INPUT = 65_536;

export function compileRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }): CompiledRegex {
  const options = (flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (flags.m ? RE2JS.MULTILINE : 0) | (flags.s ? RE2JS.DOTALL : 0);
  const pattern = RE2JS.compile(source, options);
  return {
    test(value: string): boolean {
      return pattern.matcher(value.length > MAX_REGEX_INPUT ? value.slice(0, MAX_REGEX_INPUT) : value).find();
    },
  };
}
