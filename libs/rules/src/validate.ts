/**
 * Validation: a rule document is accepted whole or refused with every issue
 * and its JSON pointer; never half-valid. The same compile step that builds
 * the matcher runs here, so a rule that validates always compiles.
 */
import { Value } from '@sinclair/typebox/value';
import { compileDetection, type CompileContext } from './compile-rule';
import { RuleValidationError, type RuleIssue } from './errors';
import { FieldSlots } from './event-view';
import { DEFAULT_FIELD_MAPPINGS, mappingsFor, mergeMappingTables, type FieldMappingTable, type LogSourceMapping } from './log-sources';
import { RuleSchema, type Rule } from './schema';

/** The largest rule document accepted, in bytes of its JSON text. The largest Sigma rule of the public set is under 40 KiB. */
export const MAX_RULE_BYTES = 262_144;

export interface CompileOptions {
  /** Log sources and field mappings replacing the defaults with the same product/category/service. */
  fieldMappings?: FieldMappingTable;
  /** Values of `%name%` placeholders for the expand modifier. */
  placeholders?: Record<string, string[]>;
  /** false evaluates every rule of the event's log sources without the literal pre-filter (the benchmark's peer); default true. */
  prefilter?: boolean;
}

/** The effective state of a rule: enabled unless switched off or its log source cannot be produced here. */
export interface RuleState {
  enabled: boolean;
  disabledReason?: string;
}

export interface ResolvedLogSource {
  readonly mappings: readonly LogSourceMapping[];
  /** Parsers that produce it; empty when none here does. */
  readonly producedBy: readonly string[];
}

const tableCache = new WeakMap<FieldMappingTable, FieldMappingTable>();

export function mappingTable(options: CompileOptions | undefined): FieldMappingTable {
  const overrides = options?.fieldMappings;
  if (overrides === undefined) return DEFAULT_FIELD_MAPPINGS;
  let merged = tableCache.get(overrides);
  if (merged === undefined) {
    merged = mergeMappingTables(DEFAULT_FIELD_MAPPINGS, overrides);
    tableCache.set(overrides, merged);
  }
  return merged;
}

export function describeLogSource(logsource: Rule['logsource']): string {
  return (['product', 'category', 'service'] as const)
    .filter((key) => logsource[key] !== undefined)
    .map((key) => `${key} ${logsource[key]}`)
    .join(', ') || 'no product, category or service';
}

/** The mapping entries of a rule's log source and which parsers produce it (an entry with exactly its product, category and service). */
export function resolveLogSource(logsource: Rule['logsource'], table: FieldMappingTable): ResolvedLogSource {
  const mappings = mappingsFor(table, logsource.product, logsource.category, logsource.service);
  const exact = mappings.find((entry) => entry.product === logsource.product && entry.category === logsource.category && entry.service === logsource.service);
  if (exact !== undefined) return { mappings, producedBy: exact.producedBy };
  // {product, category} or {product, service} pairs are produced when each part is, e.g. windows + process_creation.
  const parts = (['product', 'category', 'service'] as const).filter((key) => logsource[key] !== undefined);
  if (parts.length < 2) return { mappings, producedBy: [] };
  const producers = parts.map((key) => {
    const single = { product: undefined, category: undefined, service: undefined, [key]: logsource[key] } as Rule['logsource'];
    const withProduct = key === 'product' ? single : { ...single, product: logsource.product };
    const entry = table.logsources.find((e) => e.product === withProduct.product && e.category === withProduct.category && e.service === withProduct.service);
    return entry?.producedBy ?? [];
  });
  const common = (producers[0] ?? []).filter((parser) => producers.every((list) => list.includes(parser)));
  return { mappings, producedBy: common };
}

export function compileContext(rule: Rule, slots: FieldSlots, options: CompileOptions | undefined): CompileContext & ResolvedLogSource {
  const resolved = resolveLogSource(rule.logsource, mappingTable(options));
  return { ...resolved, slots, checkFields: resolved.producedBy.length > 0, placeholders: options?.placeholders ?? {} };
}

/** Whether the rule runs, and why not when it does not. */
export function ruleState(rule: Rule, options?: CompileOptions): RuleState {
  if (rule.enabled === false) return { enabled: false, disabledReason: 'disabled by its author (enabled: false)' };
  const { producedBy } = resolveLogSource(rule.logsource, mappingTable(options));
  if (producedBy.length === 0) {
    return {
      enabled: false,
      disabledReason: `no parser here produces events of this log source (${describeLogSource(rule.logsource)}); add it to the field mapping table with the parser that does`,
    };
  }
  return { enabled: true };
}

function schemaIssues(candidate: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(RuleSchema, candidate)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const expected = typeof error.schema.description === 'string' ? `; expected ${error.schema.description}` : '';
    const allowed = error.schema.anyOf?.every((option: { const?: unknown }) => option.const !== undefined)
      ? `; valid: ${error.schema.anyOf.map((option: { const?: unknown }) => String(option.const)).join(', ')}`
      : '';
    issues.push({ code: 'SIEM_RULE_INVALID', pointer: error.path, message: `${error.message}${allowed || expected}` });
    if (issues.length >= 20) break;
  }
  return issues;
}

function unknownKeyIssues(candidate: unknown): RuleIssue[] {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return [];
  const allowed = new Set(Object.keys(RuleSchema.properties));
  return Object.keys(candidate)
    .filter((key) => !allowed.has(key))
    .map((key) => ({
      code: 'SIEM_RULE_INVALID' as const,
      pointer: `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      message: `unknown key "${key}"; valid keys: ${[...allowed].join(', ')}`,
    }));
}

/**
 * Checks a rule document (an object, or its JSON text) and returns it with
 * defaults applied. Throws RuleValidationError listing every issue.
 */
export function validateRule(input: unknown, options?: CompileOptions): Rule {
  let candidate = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_RULE_BYTES) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_TOO_LARGE', pointer: '', message: `the rule is ${Buffer.byteLength(input)} bytes; at most ${MAX_RULE_BYTES} are accepted, split it into several rules` }]);
    }
    try {
      candidate = JSON.parse(input) as unknown;
    } catch (error) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_INVALID_JSON', pointer: '', message: `the rule is not JSON: ${(error as Error).message}` }]);
    }
  } else {
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(input) ?? '');
    } catch (error) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_INVALID_JSON', pointer: '', message: `the rule cannot be written as JSON: ${(error as Error).message}` }]);
    }
    if (size > MAX_RULE_BYTES) {
      throw new RuleValidationError([{ code: 'SIEM_RULE_TOO_LARGE', pointer: '', message: `the rule is ${size} bytes as JSON; at most ${MAX_RULE_BYTES} are accepted, split it into several rules` }]);
    }
  }
  const withDefaults = Value.Default(RuleSchema, structuredClone(candidate));
  const shapeIssues = [...unknownKeyIssues(withDefaults), ...schemaIssues(withDefaults)];
  if (shapeIssues.length > 0) throw new RuleValidationError(shapeIssues);
  const rule = withDefaults as Rule;
  const { issues } = compileDetection(rule, compileContext(rule, new FieldSlots(), options));
  if (issues.length > 0) throw new RuleValidationError(issues);
  return rule;
}
