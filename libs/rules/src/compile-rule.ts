/**
 * One rule's detection compiled into a predicate over an EventView, with
 * every problem found on the way reported as an issue with its JSON pointer
 * (so validation and compilation are the same code and cannot disagree).
 * Also derives the rule's pre-filter: literals of which at least one must
 * occur in the named field for the rule to match at all.
 */
import { ConditionSyntaxError, parseCondition, type ConditionNode } from './condition';
import { inNetwork, parseCidr, type Network } from './cidr';
import { pointerOf, type RuleErrorCode, type RuleIssue } from './errors';
import type { EventView, FieldAccess, FieldSlots } from './event-view';
import type { LogSourceMapping } from './log-sources';
import { compileRegex } from './regex';
import type { Rule, SigmaScalar } from './schema';
import {
  base64,
  base64Offsets,
  expandPlaceholders,
  parseSigmaString,
  utf16,
  windash,
  withWildcards,
  type SigmaString,
} from './sigma-string';
import { LiteralScanner } from './literal-scan';
import { compileString, type StringShape, type StringTest } from './string-match';

export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'm',
  's',
  'cidr',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'windash',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'fieldref',
  'cased',
  'expand',
] as const;
export type Modifier = (typeof MODIFIERS)[number];
const MODIFIER_SET: ReadonlySet<string> = new Set(MODIFIERS);

/** Where Sigma keywords are searched: the message, else the whole line as received (access logs have no message). */
const KEYWORD_ACCESS: FieldAccess = { kind: 'paths', paths: ['message', 'event.original'] };

export type Predicate = (view: EventView) => boolean;

/** At least one of these (slot, lower-cased literal) pairs occurs in the event, or the rule cannot match. */
export type Need = readonly { readonly slot: number; readonly literal: string }[] | null;

export interface CompiledDetection {
  readonly predicate: Predicate;
  readonly need: Need;
}

export interface CompileContext {
  readonly slots: FieldSlots;
  /** The mapping entries of the rule's log source, most general first; empty when the log source is unknown. */
  readonly mappings: readonly LogSourceMapping[];
  /** Whether unknown field names are errors (only when some parser produces the log source). */
  readonly checkFields: boolean;
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
}

const ECS_NAME = /^@?[a-z][a-z0-9_]*(?:\.[a-z0-9_@-]+)+$/;
const MIN_PREFILTER_LITERAL = 1;
const MAX_NEED_ALTERNATIVES = 4096;

class Issues {
  readonly list: RuleIssue[] = [];
  add(code: RuleErrorCode, pointer: string, message: string): void {
    this.list.push({ code, pointer, message });
  }
}

/** Resolves a Sigma field name to how it is read, or undefined when the log source does not provide it. */
export function resolveField(name: string, context: CompileContext): FieldAccess | undefined {
  for (let index = context.mappings.length - 1; index >= 0; index--) {
    const entry = context.mappings[index] as LogSourceMapping;
    const target = Object.hasOwn(entry.fields, name) ? entry.fields[name] : undefined;
    if (target !== undefined) return { kind: 'paths', paths: typeof target === 'string' ? [target] : target };
  }
  for (const entry of context.mappings) {
    for (const [prefix, source] of Object.entries(entry.jsonText ?? {})) {
      if (name === prefix) return { kind: 'json', source, path: [] };
      if (name.startsWith(`${prefix}.`)) return { kind: 'json', source, path: name.slice(prefix.length + 1).split('.') };
    }
  }
  if (ECS_NAME.test(name)) return { kind: 'paths', paths: [name] };
  for (let index = context.mappings.length - 1; index >= 0; index--) {
    const passthrough = (context.mappings[index] as LogSourceMapping).passthrough;
    if (passthrough !== undefined) return { kind: 'paths', paths: [`${passthrough}${name}`] };
  }
  if (!context.checkFields) return { kind: 'paths', paths: [name] };
  return undefined;
}

function knownFields(context: CompileContext): string[] {
  const names = new Set<string>();
  for (const entry of context.mappings) {
    for (const name of Object.keys(entry.fields)) names.add(name);
    for (const prefix of Object.keys(entry.jsonText ?? {})) names.add(`${prefix}.*`);
  }
  return [...names].sort();
}

interface ValueTest {
  /** Reads raw values (cased, re, cidr, numbers) instead of lower-cased ones. */
  readonly raw: boolean;
  readonly test: StringTest;
  /** Lower-cased literal every matching value contains, '' when there is none. */
  readonly literal: string;
  readonly shape?: StringShape | undefined;
}

/** Compiles one `field|modifiers: values` entry. */
function compileEntry(key: string, rawValue: unknown, pointer: string, context: CompileContext, issues: Issues): CompiledDetection | undefined {
  const [field = '', ...modifierNames] = key.split('|');
  const unknown = modifierNames.filter((name) => !MODIFIER_SET.has(name));
  if (unknown.length > 0) {
    issues.add('SIEM_RULE_UNKNOWN_MODIFIER', pointer, `unknown modifier "${unknown.join('", "')}"; valid modifiers: ${MODIFIERS.join(', ')}`);
    return undefined;
  }
  const modifiers = modifierNames as Modifier[];
  const has = (name: Modifier): boolean => modifiers.includes(name);
  const values: SigmaScalar[] = Array.isArray(rawValue) ? (rawValue as SigmaScalar[]) : [rawValue as SigmaScalar];
  if (values.length === 0) {
    issues.add('SIEM_RULE_BAD_VALUE', pointer, 'an empty list of values matches nothing; give at least one value or null');
    return undefined;
  }
  const name = field === '' ? 'keywords' : field;
  const access = field === '' ? KEYWORD_ACCESS : resolveField(name, context);
  if (access === undefined) {
    issues.add(
      'SIEM_RULE_UNMAPPED_FIELD',
      pointer,
      `field "${name}" is not provided by this log source; known fields: ${knownFields(context).join(', ') || 'none'} (ECS names such as process.command_line are accepted too)`,
    );
    return undefined;
  }
  const slot = context.slots.slotOf(access);
  const all = has('all');

  const exclusive = (['exists', 'cidr', 'gt', 'gte', 'lt', 'lte', 're'] as const).filter(has);
  const reFlags = (['i', 'm', 's'] as const).filter(has);
  if (exclusive.length > 1) {
    issues.add('SIEM_RULE_UNKNOWN_MODIFIER', pointer, `modifiers ${exclusive.join(' and ')} cannot be combined`);
    return undefined;
  }
  if (reFlags.length > 0 && !has('re')) {
    issues.add('SIEM_RULE_UNKNOWN_MODIFIER', pointer, `modifier ${reFlags.join(', ')} is a flag of re; write |re|${reFlags.join('|')}`);
    return undefined;
  }
  const kind = exclusive[0];
  if (kind !== undefined) {
    const others = modifiers.filter((modifier) => modifier !== kind && modifier !== 'all' && !(kind === 're' && (modifier === 'i' || modifier === 'm' || modifier === 's')));
    if (others.length > 0) {
      issues.add('SIEM_RULE_UNKNOWN_MODIFIER', pointer, `modifier ${kind} cannot be combined with ${others.join(', ')}`);
      return undefined;
    }
  }

  if (kind === 'exists') {
    const wanted = values[0];
    if (values.length !== 1 || typeof wanted !== 'boolean') {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, 'exists takes one value, true or false');
      return undefined;
    }
    return { predicate: (view) => (view.raw(slot) !== null) === wanted, need: null };
  }

  if (has('fieldref')) {
    if (!values.every((value) => typeof value === 'string' && value !== '')) {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, 'fieldref takes the name(s) of other fields');
      return undefined;
    }
    return compileFieldRef(slot, values as string[], modifiers, all, pointer, context, issues);
  }

  const tests: ValueTest[] = [];
  let matchesNull = false;
  for (const [index, value] of values.entries()) {
    const valuePointer = Array.isArray(rawValue) ? `${pointer}/${index}` : pointer;
    if (value === null) {
      if (kind !== undefined) {
        issues.add('SIEM_RULE_BAD_VALUE', valuePointer, `null cannot be used with ${kind}`);
        return undefined;
      }
      matchesNull = true;
      continue;
    }
    if (typeof value === 'object') {
      issues.add('SIEM_RULE_BAD_VALUE', valuePointer, 'a value must be a string, number, boolean or null');
      return undefined;
    }
    const compiled = compileValue(value, field === '', modifiers, kind, valuePointer, context, issues);
    if (compiled === undefined) return undefined;
    tests.push(...compiled.map((test) => ({ ...test, group: index })));
    if (compiled.length === 0) return undefined;
  }

  // An |all entry needs each value; a value with several encodings (windash, base64offset, expand) needs any of its variants.
  const groups = new Map<number, ValueTest[]>();
  for (const test of tests as (ValueTest & { group: number })[]) {
    const group = groups.get(test.group) ?? [];
    group.push(test);
    groups.set(test.group, group);
  }
  const groupTests = [...groups.values()];
  const predicate = buildPredicate(slot, groupTests, all, matchesNull);
  const need = matchesNull ? null : needOf(slot, groupTests, all);
  return { predicate, need };
}

/** Lists at least this long are combined into one lookup instead of one test per value. */
const COMBINE_FROM = 4;

/**
 * One test for a list of lower-cased values of common shapes: a set for
 * equals, sets per length for startswith and endswith, one scan for contains
 * (a 1,000-emoji list costs one pass over the value, not 1,000 searches).
 */
function combinedTest(tests: readonly ValueTest[]): StringTest | undefined {
  if (tests.length < COMBINE_FROM || tests.some((test) => test.raw || test.shape === undefined)) return undefined;
  const equals = new Set<string>();
  const prefixes = new Map<number, Set<string>>();
  const suffixes = new Map<number, Set<string>>();
  const contains: string[] = [];
  for (const test of tests) {
    const shape = test.shape as StringShape;
    if (shape.kind === 'equals') equals.add(shape.text);
    else if (shape.kind === 'contains') contains.push(shape.text);
    else {
      const table = shape.kind === 'startswith' ? prefixes : suffixes;
      const set = table.get(shape.text.length) ?? new Set<string>();
      set.add(shape.text);
      table.set(shape.text.length, set);
    }
  }
  const prefixTable = [...prefixes];
  const suffixTable = [...suffixes];
  const scanner = contains.length > 0 ? new LiteralScanner(contains.map((literal) => ({ literal, payload: true }))) : undefined;
  return (value) => {
    if (equals.size > 0 && equals.has(value)) return true;
    for (const [length, set] of prefixTable) if (value.length >= length && set.has(value.slice(0, length))) return true;
    for (const [length, set] of suffixTable) if (value.length >= length && set.has(value.slice(value.length - length))) return true;
    return scanner !== undefined && scanner.any(value);
  };
}

function anyTest(view: EventView, slot: number, tests: readonly ValueTest[]): boolean {
  for (const test of tests) {
    const values = test.raw ? view.raw(slot) : view.lower(slot);
    if (values === null) continue;
    for (const value of values) if (test.test(value)) return true;
  }
  return false;
}

function lowerTest(slot: number, test: StringTest, matchesNull: boolean): Predicate {
  return (view) => {
    const values = view.lower(slot);
    if (values === null) return matchesNull;
    for (let index = 0; index < values.length; index++) if (test(values[index] as string)) return true;
    return false;
  };
}

function buildPredicate(slot: number, groups: readonly (readonly ValueTest[])[], all: boolean, matchesNull: boolean): Predicate {
  const flat = groups.flat();
  if (all && groups.length > 1) {
    const each = groups.map((group): Predicate => {
      const combined = combinedTest(group);
      return combined !== undefined ? lowerTest(slot, combined, false) : (view) => anyTest(view, slot, group);
    });
    return (view) => {
      if (view.raw(slot) === null) return matchesNull;
      for (const predicate of each) if (!predicate(view)) return false;
      return true;
    };
  }
  const single = flat.length === 1 ? flat[0] : undefined;
  if (single !== undefined && !single.raw) return lowerTest(slot, single.test, matchesNull);
  const combined = combinedTest(flat);
  if (combined !== undefined) return lowerTest(slot, combined, matchesNull);
  return (view) => {
    if (view.raw(slot) === null) return matchesNull;
    return anyTest(view, slot, flat);
  };
}

function needOf(slot: number, groups: readonly (readonly ValueTest[])[], all: boolean): Need {
  const usable = (group: readonly ValueTest[]): boolean => group.every((test) => test.literal.length >= MIN_PREFILTER_LITERAL);
  if (all) {
    const best = groups.filter(usable).sort((a, b) => Math.min(...b.map((t) => t.literal.length)) - Math.min(...a.map((t) => t.literal.length)))[0];
    return best === undefined ? null : best.map((test) => ({ slot, literal: test.literal }));
  }
  if (groups.length === 0 || !groups.every(usable)) return null;
  return groups.flat().map((test) => ({ slot, literal: test.literal }));
}

function compileValue(
  value: string | number | boolean,
  keyword: boolean,
  modifiers: readonly Modifier[],
  kind: 'cidr' | 'gt' | 'gte' | 'lt' | 'lte' | 're' | undefined,
  pointer: string,
  context: CompileContext,
  issues: Issues,
): ValueTest[] | undefined {
  const has = (name: Modifier): boolean => modifiers.includes(name);
  if (kind === 're') {
    if (typeof value !== 'string') {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, 're takes a regular expression as a string');
      return undefined;
    }
    try {
      const regex = compileRegex(value, { i: has('i'), m: has('m'), s: has('s') });
      return [{ raw: true, test: (v) => regex.test(v), literal: regex.literal }];
    } catch (error) {
      issues.add(
        'SIEM_RULE_UNSAFE_REGEX',
        pointer,
        `the linear-time regex engine (RE2) cannot run ${JSON.stringify(value)}: ${(error as Error).message}; backreferences and lookarounds are not supported, rewrite without them`,
      );
      return undefined;
    }
  }
  if (kind === 'cidr') {
    const network: Network | undefined = typeof value === 'string' ? parseCidr(value) : undefined;
    if (network === undefined) {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, `${JSON.stringify(value)} is not a network; write 10.0.0.0/8 or fe80::/10`);
      return undefined;
    }
    return [{ raw: true, test: (v) => inNetwork(v, network), literal: '' }];
  }
  if (kind !== undefined) {
    const limit = typeof value === 'number' ? value : Number.NaN;
    if (!Number.isFinite(limit)) {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, `${kind} compares numbers; ${JSON.stringify(value)} is not one`);
      return undefined;
    }
    const compare: Record<typeof kind, (n: number) => boolean> = {
      gt: (n) => n > limit,
      gte: (n) => n >= limit,
      lt: (n) => n < limit,
      lte: (n) => n <= limit,
    };
    const check = compare[kind];
    return [{ raw: true, test: (v) => v.trim() !== '' && check(Number(v)), literal: '' }];
  }
  let variants: SigmaString[] = [typeof value === 'string' ? parseSigmaString(value) : { parts: [String(value)], bytes: false }];
  try {
    for (const modifier of modifiers) {
      switch (modifier) {
        case 'expand': {
          const expanded = variants.map((variant) => expandPlaceholders(variant, context.placeholders));
          const unknown = [...new Set(expanded.flatMap((result) => result.unknown))];
          if (unknown.length > 0) {
            issues.add(
              'SIEM_RULE_UNKNOWN_PLACEHOLDER',
              pointer,
              `placeholder %${unknown.join('%, %')}% has no values; configure it in the placeholder table (known: ${Object.keys(context.placeholders).join(', ') || 'none'})`,
            );
            return undefined;
          }
          variants = expanded.flatMap((result) => result.variants);
          break;
        }
        case 'windash':
          variants = variants.flatMap(windash);
          break;
        case 'wide':
        case 'utf16le':
          variants = variants.map((variant) => utf16(encodable(variant, modifier), 'le', false));
          break;
        case 'utf16be':
          variants = variants.map((variant) => utf16(encodable(variant, modifier), 'be', false));
          break;
        case 'utf16':
          variants = variants.map((variant) => utf16(encodable(variant, modifier), 'le', true));
          break;
        case 'base64':
          variants = variants.map((variant) => base64(encodable(variant, modifier)));
          break;
        case 'base64offset':
          variants = variants.flatMap((variant) => base64Offsets(encodable(variant, modifier)));
          break;
        default:
          break;
      }
    }
  } catch (error) {
    issues.add('SIEM_RULE_BAD_VALUE', pointer, (error as Error).message);
    return undefined;
  }
  // Keywords are found anywhere in the message, as if written with contains.
  const leading = keyword || has('contains') || has('endswith');
  const trailing = keyword || has('contains') || has('startswith');
  const cased = has('cased');
  return variants.map((variant) => {
    const compiled = compileString(withWildcards(variant, leading, trailing), cased);
    return { raw: cased, test: compiled.test, shape: cased ? undefined : compiled.shape, literal: compiled.literal.toLowerCase() };
  });
}

/** Encodings work on plain text: a wildcard cannot be carried through base64 or UTF-16. */
function encodable(value: SigmaString, modifier: string): SigmaString {
  if (value.parts.some((part) => typeof part !== 'string')) {
    throw new RangeError(`${modifier} cannot encode a value with wildcards; escape * and ? as \\* and \\?`);
  }
  return value;
}

function compileFieldRef(
  slot: number,
  names: readonly string[],
  modifiers: readonly Modifier[],
  all: boolean,
  pointer: string,
  context: CompileContext,
  issues: Issues,
): CompiledDetection | undefined {
  const has = (name: Modifier): boolean => modifiers.includes(name);
  const disallowed = modifiers.filter((modifier) => !['fieldref', 'contains', 'startswith', 'endswith', 'cased', 'all'].includes(modifier));
  if (disallowed.length > 0) {
    issues.add('SIEM_RULE_UNKNOWN_MODIFIER', pointer, `fieldref cannot be combined with ${disallowed.join(', ')}`);
    return undefined;
  }
  const refs: number[] = [];
  for (const name of names) {
    const access = resolveField(name, context);
    if (access === undefined) {
      issues.add('SIEM_RULE_UNMAPPED_FIELD', pointer, `field "${name}" referenced by fieldref is not provided by this log source`);
      return undefined;
    }
    refs.push(context.slots.slotOf(access));
  }
  const cased = has('cased');
  const compare: (value: string, other: string) => boolean = has('contains')
    ? (value, other) => value.includes(other)
    : has('startswith')
      ? (value, other) => value.startsWith(other)
      : has('endswith')
        ? (value, other) => value.endsWith(other)
        : (value, other) => value === other;
  const one = (view: EventView, ref: number): boolean => {
    const values = cased ? view.raw(slot) : view.lower(slot);
    const others = cased ? view.raw(ref) : view.lower(ref);
    if (values === null || others === null) return false;
    for (const value of values) for (const other of others) if (compare(value, other)) return true;
    return false;
  };
  return {
    predicate: all ? (view) => refs.every((ref) => one(view, ref)) : (view) => refs.some((ref) => one(view, ref)),
    need: null,
  };
}

function compileMap(map: Record<string, unknown>, pointer: string, context: CompileContext, issues: Issues): CompiledDetection | undefined {
  const entries = Object.entries(map);
  if (entries.length === 0) {
    issues.add('SIEM_RULE_BAD_VALUE', pointer, 'an empty selection matches everything; give at least one field');
    return undefined;
  }
  const compiled: CompiledDetection[] = [];
  let failed = false;
  for (const [key, value] of entries) {
    const entry = compileEntry(key, value, `${pointer}${pointerOf(key)}`, context, issues);
    if (entry === undefined) failed = true;
    else compiled.push(entry);
  }
  if (failed) return undefined;
  return and(compiled);
}

function and(parts: readonly CompiledDetection[]): CompiledDetection {
  const predicates = parts.map((part) => part.predicate);
  const predicate: Predicate =
    predicates.length === 1
      ? (predicates[0] as Predicate)
      : predicates.length === 2
        ? ((a: Predicate, b: Predicate): Predicate => (view) => a(view) && b(view))(predicates[0] as Predicate, predicates[1] as Predicate)
        : (view) => {
            for (const p of predicates) if (!p(view)) return false;
            return true;
          };
  return { predicate, need: bestNeed(parts.map((part) => part.need)) };
}

function or(parts: readonly CompiledDetection[]): CompiledDetection {
  const predicates = parts.map((part) => part.predicate);
  const predicate: Predicate =
    predicates.length === 1
      ? (predicates[0] as Predicate)
      : (view) => {
          for (const p of predicates) if (p(view)) return true;
          return false;
        };
  const needs = parts.map((part) => part.need);
  const need = needs.some((n) => n === null) ? null : needs.flatMap((n) => n ?? []);
  return { predicate, need: need !== null && need.length <= MAX_NEED_ALTERNATIVES ? need : null };
}

/** Of the needs of an `and`, the one with the fewest alternatives, and of those the longest shortest literal. */
function bestNeed(needs: readonly Need[]): Need {
  let best: Need = null;
  const score = (need: NonNullable<Need>): number => need.length * 1000 - Math.min(...need.map((alternative) => alternative.literal.length));
  for (const need of needs) if (need !== null && need.length > 0 && (best === null || score(need) < score(best))) best = need;
  return best;
}

function compileSelection(name: string, selection: unknown, context: CompileContext, issues: Issues): CompiledDetection | undefined {
  const pointer = pointerOf('detection', name);
  if (typeof selection === 'string' || typeof selection === 'number') {
    return compileEntry('', [selection], pointer, context, issues);
  }
  if (Array.isArray(selection)) {
    const maps = selection.filter((item) => typeof item === 'object' && item !== null);
    if (maps.length === 0) return compileEntry('', selection, pointer, context, issues);
    if (maps.length !== selection.length) {
      issues.add('SIEM_RULE_BAD_VALUE', pointer, 'a selection list holds either maps or keywords, not both');
      return undefined;
    }
    const compiled: CompiledDetection[] = [];
    let failed = false;
    for (const [index, map] of selection.entries()) {
      const item = compileMap(map as Record<string, unknown>, `${pointer}/${index}`, context, issues);
      if (item === undefined) failed = true;
      else compiled.push(item);
    }
    return failed ? undefined : or(compiled);
  }
  if (typeof selection === 'object' && selection !== null) return compileMap(selection as Record<string, unknown>, pointer, context, issues);
  issues.add('SIEM_RULE_BAD_VALUE', pointer, 'a selection is a map of fields, a list of maps, or a list of keywords');
  return undefined;
}

function compileNode(node: ConditionNode, selections: ReadonlyMap<string, CompiledDetection>): CompiledDetection {
  switch (node.kind) {
    case 'ref':
      return selections.get(node.name) as CompiledDetection;
    case 'not': {
      const inner = compileNode(node.operand, selections).predicate;
      return { predicate: (view) => !inner(view), need: null };
    }
    case 'and':
      return and(node.operands.map((operand) => compileNode(operand, selections)));
    case 'or':
      return or(node.operands.map((operand) => compileNode(operand, selections)));
  }
}

/** Compiles a rule's detection; undefined with the issues when it has any. */
export function compileDetection(rule: Rule, context: CompileContext): { detection?: CompiledDetection; issues: RuleIssue[] } {
  const issues = new Issues();
  const identifiers = Object.keys(rule.detection).filter((key) => key !== 'condition' && key !== 'timeframe');
  const selections = new Map<string, CompiledDetection>();
  for (const name of identifiers) {
    const compiled = compileSelection(name, (rule.detection as Record<string, unknown>)[name], context, issues);
    if (compiled !== undefined) selections.set(name, compiled);
  }
  const conditions = Array.isArray(rule.detection.condition) ? rule.detection.condition : [rule.detection.condition];
  const trees: ConditionNode[] = [];
  conditions.forEach((text, index) => {
    const pointer = Array.isArray(rule.detection.condition) ? pointerOf('detection', 'condition', index) : pointerOf('detection', 'condition');
    try {
      trees.push(parseCondition(text, identifiers));
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      issues.add('SIEM_RULE_BAD_CONDITION', pointer, `${error.message} (at character ${error.position} of ${JSON.stringify(text)})`);
    }
  });
  if (issues.list.length > 0) return { issues: issues.list };
  const detection = or(trees.map((tree) => compileNode(tree, selections)));
  return { detection, issues: [] };
}
