/**
 * User-defined grok patterns (`%{SYNTAX:field.name:int}` over a regex
 * library, as in Logstash and the Elasticsearch grok processor), compiled
 * once at start into JavaScript regular expressions.
 *
 * JavaScript regexes cannot be interrupted, so a pattern that backtracks
 * exponentially would stall a worker for good. The defences, all decided at
 * start or before the match:
 * - a static check refuses user expressions that repeat a group which itself
 *   holds an unbounded quantifier (`(a+)+`, `(.*)*`, `(\w+\s?)*`,
 *   `(?:%{WORD} )*`), the shape behind exponential backtracking;
 * - the static check cannot see polynomial blow-ups: four `%{DATA}` failing
 *   at the end of a 1 kB line take V8's backtracking engine 24 s. So the
 *   first grok parser created switches on V8's linear-time fallback, which
 *   reruns a regex that backtracks more than 1000 times on the automaton
 *   engine (the same 16 KiB worst case then costs about 0.3 s). The fallback
 *   cannot run lookarounds or backreferences, so user expressions may not
 *   use them and the library has none;
 * - every pattern is anchored at the start of the line, so a failing match
 *   is tried once, not once per starting position;
 * - lines longer than `maxInputBytes` are refused before any pattern runs,
 *   which bounds what even the linear engine spends on one line.
 */
import { setFlagsFromString } from 'node:v8';
import { Type, type Static } from '@sinclair/typebox';
import { parseError, ParserSetupError, type ParserSetupErrorCode } from './errors';
import { GROK_PATTERNS } from './grok-patterns';
import type { BodyParseResult, EcsFields, FieldsBodyParser } from './body-format';
import { withDateOption } from './date-option';
import { defineBodyFormat } from './body-format';
import { isForbiddenKey } from './keys';

export const GROK_PARSER = 'grok';

export const DEFAULT_GROK_MAX_INPUT_BYTES = 16_384;

/** Expansion beyond this many characters means definitions that multiply each other, not a log format. */
const MAX_EXPANDED_LENGTH = 262_144;

const FIELD_PATH = '^@?[A-Za-z_][A-Za-z0-9_-]*(?:\\.[A-Za-z_][A-Za-z0-9_-]*)*$';

export const GrokOptionsSchema = Type.Object(
  {
    patterns: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Grok expressions tried in order on each line; the first that matches wins. Each is anchored at the start of the line.',
    }),
    patternDefinitions: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]+$' }), Type.String({ minLength: 1 }), {
      default: {},
      additionalProperties: false,
      description: 'Custom pattern names and their regexes, usable as %{NAME}; a name of the built-in library is replaced.',
    }),
    field: Type.Optional(
      Type.String({ pattern: FIELD_PATH, description: 'Puts every capture under this dotted path instead of at the top level.' }),
    ),
    maxInputBytes: Type.Integer({
      minimum: 1,
      maximum: 1_048_576,
      default: DEFAULT_GROK_MAX_INPUT_BYTES,
      description: 'Longer lines are refused with SIEM_PARSE_GROK_INPUT_TOO_LONG before any pattern runs.',
    }),
  },
  { additionalProperties: false },
);

export type GrokOptions = Static<typeof GrokOptionsSchema>;

type Conversion = 'int' | 'float';

interface Capture {
  readonly group: string;
  readonly path: readonly string[];
  readonly conversion?: Conversion;
}

export interface CompiledGrokPattern {
  readonly expression: string;
  readonly regex: RegExp;
  readonly captures: readonly Capture[];
}

const CONVERSIONS: Readonly<Record<string, Conversion | undefined>> = {
  int: 'int',
  integer: 'int',
  long: 'int',
  float: 'float',
  double: 'float',
  string: undefined,
};

const LOOKAROUNDS: ReadonlySet<string> = new Set(['(?=', '(?!', '(?<=', '(?<!']);

const REFERENCE = /%\{(\w+)(?::([@\w.[\]-]+))?(?::(\w+))?\}/y;
const BOUNDED_QUANTIFIER = /\{(\d+)(?:(,)(\d*))?\}/y;

let linearFallbackEnabled = false;

/**
 * V8 flags are process-wide; these two only change how long a pathological
 * match takes, never its result, so they are safe for every other regex.
 */
function enableLinearRegexFallback(): void {
  if (linearFallbackEnabled) return;
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  setFlagsFromString('--regexp-backtracks-before-fallback=1000');
  linearFallbackEnabled = true;
}

function setupError(code: ParserSetupErrorCode, message: string): ParserSetupError {
  return new ParserSetupError(code, `Parser "grok": ${message}`);
}

/**
 * What the safety check knows about a stretch of regex: whether it holds an
 * unbounded quantifier, the sources of the single-character atoms so
 * repeated (`atoms`), whether a group or reference is so repeated
 * (`complex`, which the check does not look into), and the literal
 * character it must start with, if any.
 */
interface Shape {
  unbounded: boolean;
  complex: boolean;
  atoms: string[];
  /** undefined: nothing seen yet; null: does not start with a mandatory literal. */
  first: string | null | undefined;
}

interface Translation extends Shape {
  readonly source: string;
}

interface Frame extends Shape {
  count: number;
  alternation: boolean;
}

/** The atom a following quantifier would repeat. */
interface Atom extends Shape {
  readonly source: string;
  readonly simple: boolean;
}

const newFrame = (): Frame => ({ unbounded: false, complex: false, atoms: [], first: undefined, count: 0, alternation: false });

/** `\.` and plain characters are literals; `\w`, `\b`, `\d` and the like are not. */
function literalOf(source: string): string | null {
  if (source.length === 1) return '.^$|'.includes(source) ? null : source;
  return source.length === 2 && source[0] === '\\' && !/[A-Za-z0-9]/.test(source[1] ?? '') ? (source[1] ?? null) : null;
}

function matchesCharacter(atomSource: string, character: string): boolean {
  try {
    return new RegExp(`^(?:${atomSource})$`).test(character);
  } catch {
    return true;
  }
}

/**
 * A repetition of a part holding unbounded quantifiers backtracks
 * exponentially unless each round starts with a literal that none of those
 * quantified atoms can match (`(?:\.[a-z]+)*` is safe: a round can only
 * begin at a dot, and the letters cannot swallow one).
 */
function isUnambiguousRepetition(atom: Atom): boolean {
  const first = atom.first;
  return !atom.complex && typeof first === 'string' && atom.atoms.every((source) => !matchesCharacter(source, first));
}

/** Turns one grok expression into regex source, collecting its captures. */
class GrokTranslator {
  readonly captures: Capture[] = [];
  #groupCount = 0;
  readonly #definitions: Readonly<Record<string, string>>;
  readonly #expression: string;
  #length = 0;

  constructor(definitions: Readonly<Record<string, string>>, expression: string) {
    this.#definitions = definitions;
    this.#expression = expression;
  }

  /** `checked`: the text is user-written, so unsafe repetition, lookarounds and backreferences are refused. */
  translate(text: string, origin: string, checked: boolean, stack: readonly string[]): Translation {
    let out = '';
    const frames: Frame[] = [newFrame()];
    let atom: Atom | undefined;
    let index = 0;
    const top = (): Frame => frames[frames.length - 1] ?? newFrame();
    const add = (next: Atom): void => {
      const frame = top();
      if (frame.count === 0) frame.first = next.simple ? literalOf(next.source) : next.first ?? null;
      frame.count++;
      frame.unbounded ||= next.unbounded;
      frame.complex ||= next.complex;
      frame.atoms.push(...next.atoms);
      atom = next;
    };
    const simple = (source: string): Atom => ({ source, simple: true, unbounded: false, complex: false, atoms: [], first: literalOf(source) });
    while (index < text.length) {
      const char = text[index] ?? '';
      if (char === '\\') {
        if (checked && /^\\(?:[1-9]|k<)/.test(text.slice(index, index + 3))) {
          throw setupError('SIEM_PARSE_GROK_UNSAFE_PATTERN', `${origin} uses a backreference ("${text.slice(index, index + 8)}"), which rules out the linear-time regex engine that keeps a worker from stalling; match the text again with a pattern instead.`);
        }
        const source = text.slice(index, index + 2);
        out += source;
        index += 2;
        add(simple(source));
      } else if (char === '[') {
        const end = classEnd(text, index);
        const source = text.slice(index, end);
        out += source;
        index = end;
        add(simple(source));
      } else if (char === '%' && text[index + 1] === '{') {
        REFERENCE.lastIndex = index;
        const match = REFERENCE.exec(text);
        if (match === null) {
          throw setupError('SIEM_PARSE_GROK_INVALID_REGEX', `${origin} has a malformed reference at "${text.slice(index, index + 40)}"; write %{NAME}, %{NAME:field} or %{NAME:field:int}.`);
        }
        const reference = this.#reference(match[1] ?? '', match[2], match[3], origin, stack);
        out += reference.source;
        index += match[0].length;
        add({ ...reference, simple: false, first: null });
      } else if (char === '(') {
        const opened = this.#openGroup(text, index, origin, checked);
        out += opened.source;
        index += opened.length;
        frames.push(newFrame());
        atom = undefined;
      } else if (char === ')' && frames.length > 1) {
        const inner = frames.pop() ?? newFrame();
        out += ')';
        index++;
        add({ source: '', simple: false, unbounded: inner.unbounded, complex: inner.complex, atoms: inner.atoms, first: inner.alternation ? null : inner.first ?? null });
      } else if (atom !== undefined && (char === '*' || char === '+' || char === '?' || (char === '{' && isBoundedQuantifier(text, index)))) {
        const quantifier = readQuantifier(text, index);
        if (checked && atom.unbounded && quantifier.max > 1 && !isUnambiguousRepetition(atom)) {
          throw setupError(
            'SIEM_PARSE_GROK_UNSAFE_PATTERN',
            `${origin} repeats ("${text.slice(Math.max(0, index - 30), index + quantifier.length)}") a part that already holds an unbounded quantifier, which can backtrack exponentially and stall the worker; rewrite it without nested repetition, e.g. a character class such as [\\w\\s]* or %{GREEDYDATA}, or start each round with a separator the part cannot match, as in (?:\\.[a-z]+)*.`,
          );
        }
        const frame = top();
        if (quantifier.min === 0 && frame.count === 1) frame.first = null;
        if (quantifier.max === Number.POSITIVE_INFINITY) {
          frame.unbounded = true;
          if (atom.simple) frame.atoms.push(atom.source);
          else frame.complex = true;
        }
        out += text.slice(index, index + quantifier.length);
        index += quantifier.length;
        atom = undefined;
      } else {
        out += char;
        index++;
        if (char === '|') {
          top().alternation = true;
          atom = undefined;
        } else {
          add(simple(char));
        }
      }
    }
    const root = frames[0] ?? newFrame();
    return { source: out, unbounded: root.unbounded, complex: root.complex, atoms: root.atoms, first: root.alternation ? null : root.first };
  }

  #reference(name: string, field: string | undefined, type: string | undefined, origin: string, stack: readonly string[]): Translation {
    const custom = Object.hasOwn(this.#definitions, name);
    const definition = custom ? this.#definitions[name] : Object.hasOwn(GROK_PATTERNS, name) ? GROK_PATTERNS[name] : undefined;
    if (definition === undefined) {
      throw setupError('SIEM_PARSE_GROK_UNKNOWN_PATTERN', `${origin} refers to %{${name}}, which is not a built-in pattern; define it under patternDefinitions or fix the name.`);
    }
    if (stack.includes(name)) {
      throw setupError('SIEM_PARSE_GROK_UNKNOWN_PATTERN', `pattern ${name} refers to itself through ${[...stack, name].join(' → ')}; break the loop in patternDefinitions.`);
    }
    if (type !== undefined && !Object.hasOwn(CONVERSIONS, type)) {
      throw setupError('SIEM_PARSE_INVALID_CONFIG', `${origin} converts %{${name}:${field ?? ''}:${type}} to "${type}"; use int or float.`);
    }
    const group = field === undefined ? undefined : this.#capture(field, type === undefined ? undefined : CONVERSIONS[type], origin);
    const inner = this.translate(definition, `pattern ${name}`, custom, [...stack, name]);
    this.#length += inner.source.length;
    if (this.#length > MAX_EXPANDED_LENGTH) {
      throw setupError('SIEM_PARSE_GROK_INVALID_REGEX', `expression ${JSON.stringify(this.#expression)} expands to more than ${MAX_EXPANDED_LENGTH} characters; its pattern definitions multiply each other.`);
    }
    return { ...inner, source: group === undefined ? `(?:${inner.source})` : `(?<${group}>${inner.source})` };
  }

  #openGroup(text: string, index: number, origin: string, checked: boolean): { source: string; length: number } {
    if (text[index + 1] !== '?') return { source: '(', length: 1 };
    if (text[index + 2] === '<' && text[index + 3] !== '=' && text[index + 3] !== '!') {
      const close = text.indexOf('>', index + 3);
      if (close < 0) throw setupError('SIEM_PARSE_GROK_INVALID_REGEX', `${origin} has an unterminated named group "${text.slice(index, index + 40)}".`);
      const group = this.#capture(text.slice(index + 3, close), undefined, origin);
      return { source: `(?<${group}>`, length: close + 1 - index };
    }
    const length = text[index + 2] === '<' ? 4 : 3;
    const opening = text.slice(index, index + length);
    if (checked && LOOKAROUNDS.has(opening)) {
      throw setupError('SIEM_PARSE_GROK_UNSAFE_PATTERN', `${origin} uses the lookaround "${opening}", which rules out the linear-time regex engine that keeps a worker from stalling; use \\b or match the neighbouring text instead.`);
    }
    return { source: opening, length };
  }

  /** Registers a capture under a JS-safe group name; `a.b`, `[a][b]` and `@timestamp` become paths. */
  #capture(field: string, conversion: Conversion | undefined, origin: string): string {
    const dotted = field.startsWith('[') ? field.slice(1, -1).split('][').join('.') : field;
    const path = dotted.split('.');
    if (!new RegExp(FIELD_PATH).test(dotted) || path.some(isForbiddenKey)) {
      throw setupError('SIEM_PARSE_INVALID_CONFIG', `${origin} captures into "${field}", which is not a field name; use dotted names such as source.ip or http.response.status_code.`);
    }
    const group = `g${this.#groupCount++}`;
    this.captures.push(conversion === undefined ? { group, path } : { group, path, conversion });
    return group;
  }
}

/** Index just past the character class opening at `start`; JS ends a class at the first unescaped "]". */
function classEnd(text: string, start: number): number {
  let index = start + 1;
  if (text[index] === '^') index++;
  while (index < text.length && text[index] !== ']') index += text[index] === '\\' ? 2 : 1;
  return Math.min(index + 1, text.length);
}

function isBoundedQuantifier(text: string, index: number): boolean {
  BOUNDED_QUANTIFIER.lastIndex = index;
  return BOUNDED_QUANTIFIER.test(text);
}

function readQuantifier(text: string, index: number): { min: number; max: number; length: number } {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  let length = 1;
  const char = text[index];
  if (char === '?') max = 1;
  else if (char === '+') min = 1;
  else if (char === '{') {
    BOUNDED_QUANTIFIER.lastIndex = index;
    const match = BOUNDED_QUANTIFIER.exec(text);
    length = match?.[0].length ?? 1;
    min = Number(match?.[1] ?? 0);
    if (match?.[2] === undefined) max = min;
    else if (match[3] !== '') max = Number(match[3]);
  }
  if (text[index + length] === '?') length++;
  return { min, max, length };
}

/** Compiles one expression; throws ParserSetupError naming the expression or pattern at fault. */
export function compileGrokPattern(expression: string, definitions: Readonly<Record<string, string>> = {}): CompiledGrokPattern {
  const origin = `expression ${JSON.stringify(expression)}`;
  for (const name of Object.keys(definitions)) {
    if (isForbiddenKey(name)) throw setupError('SIEM_PARSE_INVALID_CONFIG', `pattern name "${name}" is reserved; choose another.`);
  }
  const translator = new GrokTranslator(definitions, expression);
  const { source } = translator.translate(expression, origin, true, []);
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw setupError('SIEM_PARSE_GROK_INVALID_REGEX', `${origin} is not a valid regular expression once expanded (${reason}); fix its syntax or that of the patterns it uses.`);
  }
  return { expression, regex, captures: translator.captures };
}

function convert(value: string, conversion: Conversion): number | undefined {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) return undefined;
  return conversion === 'int' ? Math.trunc(number) : number;
}

/** Sets a validated path; a value already at a prefix (a capture of `user` and one of `user.name`) keeps the first. */
function setPath(target: EcsFields, path: readonly string[], value: unknown): void {
  let parent = target;
  for (let index = 0; index < path.length - 1; index++) {
    const segment = path[index] ?? '';
    const existing = parent[segment];
    if (existing === undefined) parent = parent[segment] = {};
    else if (existing !== null && typeof existing === 'object' && !Array.isArray(existing)) parent = existing as EcsFields;
    else return;
  }
  parent[path[path.length - 1] ?? ''] = value;
}

function utf8Length(text: string, limit: number): number {
  // UTF-16 length ≤ UTF-8 length ≤ 3 × UTF-16 length: count bytes only when it can matter.
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

function matchFields(pattern: CompiledGrokPattern, match: RegExpExecArray, prefix: readonly string[]): EcsFields | string {
  const fields: EcsFields = {};
  const groups = match.groups ?? {};
  for (const capture of pattern.captures) {
    const text = groups[capture.group];
    if (text === undefined || text === '') continue;
    let value: string | number = text;
    if (capture.conversion !== undefined) {
      const number = convert(text, capture.conversion);
      if (number === undefined) return `${capture.path.join('.')} = ${JSON.stringify(text.slice(0, 80))} is not a number (${capture.conversion})`;
      value = number;
    }
    setPath(fields, [...prefix, ...capture.path], value);
  }
  return fields;
}

export const grokBodyParser: FieldsBodyParser<GrokOptions> = {
  dataset: GROK_PARSER,
  description:
    'Lines matched by user-defined grok expressions (%{PATTERN:field.name:int}, named captures) over the Logstash pattern library; the first matching expression wins.',
  optionsSchema: GrokOptionsSchema,
  compile(options) {
    enableLinearRegexFallback();
    const patterns = options.patterns.map((expression) => compileGrokPattern(expression, options.patternDefinitions));
    const prefix = options.field === undefined ? [] : options.field.split('.');
    const limit = options.maxInputBytes;
    return (body: string): BodyParseResult => {
      const length = utf8Length(body, limit);
      if (length > limit) {
        return parseError(
          'SIEM_PARSE_GROK_INPUT_TOO_LONG',
          GROK_PARSER,
          `The line is longer than the grok limit maxInputBytes of ${limit} bytes (at least ${length}); raise maxInputBytes for this input if such lines are expected, or split them at the sender.`,
        );
      }
      for (const pattern of patterns) {
        const match = pattern.regex.exec(body);
        if (match === null) continue;
        const fields = matchFields(pattern, match, prefix);
        if (typeof fields !== 'string') return fields;
        return parseError(
          'SIEM_PARSE_GROK_BAD_VALUE',
          GROK_PARSER,
          `Grok expression ${JSON.stringify(pattern.expression)} matched but ${fields}; use INT or NUMBER for typed captures, or drop the type.`,
        );
      }
      return undefined;
    };
  },
};

export const grokParser = defineBodyFormat(withDateOption(grokBodyParser));
