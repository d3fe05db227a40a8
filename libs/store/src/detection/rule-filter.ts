import type { RuleDocument, RuleFilter, StoredRule } from './types';

/** Whether a rule passes every key of the filter; both stores filter the (few thousand) rules in memory. */
export function matchesRuleFilter(rule: RuleDocument, filter: RuleFilter): boolean {
  if (filter.tag !== undefined && !(rule.tags ?? []).some((tag) => tag.toLowerCase() === filter.tag!.toLowerCase())) return false;
  if (filter.level !== undefined && rule.level !== filter.level) return false;
  if (filter.status !== undefined && rule.status !== filter.status) return false;
  if (filter.enabled !== undefined && rule.enabled !== filter.enabled) return false;
  if (filter.product !== undefined && rule.logsource?.product !== filter.product) return false;
  if (filter.category !== undefined && rule.logsource?.category !== filter.category) return false;
  if (filter.service !== undefined && rule.logsource?.service !== filter.service) return false;
  if (filter.text !== undefined) {
    const needle = filter.text.toLowerCase();
    const haystacks = [rule.id, rule.title, rule.description ?? ''];
    if (!haystacks.some((text) => text.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Rules by title, then id, so that a listing is stable. */
export function byTitle(a: StoredRule, b: StoredRule): number {
  return a.rule.title.localeCompare(b.rule.title) || a.rule.id.localeCompare(b.rule.id);
}

/** Key order does not make two rule documents different. */
export function sameDocument(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, entry]) => entry !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
