/**
 * A Sigma YAML file as Sigma writes correlations and filters: several `---`
 * separated documents, single-event rules, the correlations over them (and
 * over each other) and the filters that tune them, together. Each document is read by its kind; the correlations are
 * then checked against the file's rules and the rules already known.
 */
import { parseAllDocuments } from 'yaml';
import { RuleValidationError, type RuleErrorCode } from '../errors';
import { validateFilterRule, type FilterRule } from '../filters/filter';
import { documentValue, parseSigmaYaml, withCustomKeys, type SigmaImportResult } from '../sigma-yaml';
import { MAX_RULE_BYTES, type CompileOptions } from '../validate';
import { CorrelationRuleSchema, type CorrelationRule } from './schema';
import { resolveCorrelations, validateCorrelationRule, type RuleReference } from './validate';

export type SigmaCollectionResult =
  | SigmaImportResult
  | { readonly ok: true; readonly correlation: CorrelationRule; readonly source?: string }
  | { readonly ok: true; readonly filter: FilterRule; readonly source?: string }
  | { readonly ok: false; readonly code: RuleErrorCode; readonly reason: string; readonly pointer?: string; readonly source?: string; readonly id?: string; readonly title?: string };

const KNOWN_KEYS = new Set(Object.keys(CorrelationRuleSchema.properties));

/**
 * Parses a Sigma YAML text holding single-event rules and correlations; one
 * result per document, in order. A correlation naming a rule that is neither
 * in the file nor in `knownRules` (or forming a cycle) is refused with
 * SIEM_RULE_BAD_CORRELATION, the others of the file still import.
 */
export function parseSigmaCollection(text: string, source?: string, options?: CompileOptions & { knownRules?: readonly RuleReference[] }): SigmaCollectionResult[] {
  if (Buffer.byteLength(text) > MAX_RULE_BYTES * 4) return parseSigmaYaml(text, source, options);
  const at = source === undefined ? {} : { source };
  const results: SigmaCollectionResult[] = [];
  for (const document of parseAllDocuments(text)) {
    const read = documentValue(document, source);
    if ('refused' in read) {
      results.push(read.refused);
      continue;
    }
    const { value } = read;
    const mapping = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (mapping?.correlation === undefined && mapping?.filter === undefined) {
      results.push(...parseSigmaYaml(String(document), source, options));
      continue;
    }
    const fields = mapping;
    try {
      if (fields.filter !== undefined) results.push({ ok: true, filter: validateFilterRule(fields, options), ...at });
      else results.push({ ok: true, correlation: validateCorrelationRule(withCustomKeys(fields, KNOWN_KEYS)), ...at });
    } catch (error) {
      if (!(error instanceof RuleValidationError)) throw error;
      results.push({ ok: false, code: error.code, reason: error.message, pointer: error.pointer, ...at, ...(typeof fields.id === 'string' ? { id: fields.id } : {}), ...(typeof fields.title === 'string' ? { title: fields.title } : {}) });
    }
  }
  const known: RuleReference[] = [...(options?.knownRules ?? [])];
  for (const result of results) if (result.ok && 'rule' in result) known.push(result.rule.name === undefined ? { id: result.rule.id } : { id: result.rule.id, name: result.rule.name });
  // Refuse correlations one at a time until the rest resolve: one bad reference must not sink the whole file.
  for (;;) {
    const correlations = results.flatMap((result) => (result.ok && 'correlation' in result ? [result.correlation] : []));
    try {
      resolveCorrelations(correlations, known);
      return results;
    } catch (error) {
      if (!(error instanceof RuleValidationError)) throw error;
      const index = results.findIndex((result) => result.ok && 'correlation' in result && error.message.includes(`correlation ${result.correlation.id} `));
      if (index < 0) throw error;
      const failed = results[index] as { correlation: CorrelationRule };
      results[index] = { ok: false, code: error.code, reason: error.message, pointer: error.pointer, ...at, id: failed.correlation.id, title: failed.correlation.title };
    }
  }
}
