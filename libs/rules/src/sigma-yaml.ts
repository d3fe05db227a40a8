/**
 * Sigma rules as published (YAML, one or more documents per file) turned
 * into rule documents. The rule itself is not changed: keys Sigma allows as
 * custom attributes but the rule document does not define are kept under
 * `custom`, and Sigma's `action: global` collections are refused, since
 * SigmaHQ no longer publishes them.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { RuleValidationError, type RuleErrorCode } from './errors';
import { RuleSchema, type Rule } from './schema';
import { MAX_RULE_BYTES, ruleState, validateRule, type CompileOptions, type RuleState } from './validate';

export type SigmaImportResult =
  | { readonly ok: true; readonly rule: Rule; readonly state: RuleState; readonly source?: string }
  | {
      readonly ok: false;
      readonly code: RuleErrorCode;
      readonly reason: string;
      readonly pointer?: string;
      readonly source?: string;
      readonly id?: string;
      readonly title?: string;
    };

const KNOWN_KEYS = new Set(Object.keys(RuleSchema.properties));
/** Alias expansions allowed per document: a rule needs a handful; each more level of a YAML bomb multiplies them. */
const MAX_ALIAS_COUNT = 100;

function failure(code: RuleErrorCode, reason: string, source: string | undefined, document: unknown, pointer?: string): SigmaImportResult {
  const fields = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  return {
    ok: false,
    code,
    reason,
    ...(pointer === undefined ? {} : { pointer }),
    ...(source === undefined ? {} : { source }),
    ...(typeof fields.id === 'string' ? { id: fields.id } : {}),
    ...(typeof fields.title === 'string' ? { title: fields.title } : {}),
  };
}

/** Parses a Sigma YAML text; one result per document, in order. */
export function parseSigmaYaml(text: string, source?: string, options?: CompileOptions): SigmaImportResult[] {
  if (Buffer.byteLength(text) > MAX_RULE_BYTES * 4) {
    return [failure('SIEM_RULE_TOO_LARGE', `the file is larger than ${MAX_RULE_BYTES * 4} bytes; split it`, source, undefined, '')];
  }
  const results: SigmaImportResult[] = [];
  for (const document of parseAllDocuments(text)) {
    const read = documentValue(document, source);
    if ('refused' in read) {
      results.push(read.refused);
      continue;
    }
    const { value } = read;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      results.push(failure('SIEM_RULE_INVALID', 'a Sigma rule is a YAML mapping', source, value, ''));
      continue;
    }
    const fields = value as Record<string, unknown>;
    if (fields.action !== undefined) {
      results.push(failure('SIEM_RULE_UNSUPPORTED', 'Sigma rule collections (action: global/reset/repeat) are not supported; write each rule whole', source, value, '/action'));
      continue;
    }
    if (fields.correlation !== undefined || fields.filter !== undefined) {
      results.push(failure('SIEM_RULE_UNSUPPORTED', 'correlation and filter rules are not single-event rules; they belong to the alerting service', source, value, fields.correlation !== undefined ? '/correlation' : '/filter'));
      continue;
    }
    const rule = withCustomKeys(fields, KNOWN_KEYS);
    try {
      const valid = validateRule(rule, options);
      results.push({ ok: true, rule: valid, state: ruleState(valid, options), ...(source === undefined ? {} : { source }) });
    } catch (error) {
      if (!(error instanceof RuleValidationError)) throw error;
      results.push(failure(error.code, error.message, source, value, error.pointer));
    }
  }
  return results;
}

/**
 * The value of one YAML document, or the refusal of a document that is not valid YAML, uses an alias
 * before its anchor, or expands more aliases than a rule needs (a YAML bomb): the yaml library throws
 * a ReferenceError for the last two, which must not escape an import.
 */
export function documentValue(document: Document, source: string | undefined): { value: unknown } | { refused: SigmaImportResult } {
  if (document.errors.length > 0) {
    return { refused: failure('SIEM_RULE_INVALID', `not valid YAML: ${document.errors[0]?.message ?? 'parse error'}`, source, undefined, '') };
  }
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return { refused: failure('SIEM_RULE_INVALID', `not usable YAML: ${error.message}; define each anchor (&name) before its aliases (*name) and use at most ${MAX_ALIAS_COUNT}`, source, undefined, '') };
  }
}

/**
 * The document with the keys its schema knows as they are and every other key (a
 * rule author's own, or one of a later Sigma version) kept under `custom`.
 */
export function withCustomKeys(fields: Record<string, unknown>, knownKeys: ReadonlySet<string>): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(fields)) {
    if (knownKeys.has(key) && key !== 'custom') rule[key] = item;
    else custom[key] = item;
  }
  if (Object.keys(custom).length > 0) rule.custom = custom;
  return rule;
}
