import { attackFromTags } from '@siem/rules';
import type { StoredRule } from '@siem/store';

export interface CoveringRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
}

export interface TechniqueCoverage {
  /** T1059 or T1059.001, as the rules' attack.tXXXX tags name it. */
  readonly id: string;
  readonly tactics: readonly string[];
  readonly rules: readonly CoveringRule[];
}

export interface Coverage {
  readonly enabled_rules: number;
  /** Enabled rules with no attack.tXXXX tag: they detect something ATT&CK does not place. */
  readonly rules_without_technique: number;
  readonly techniques: readonly TechniqueCoverage[];
}

/** Enabled rules per ATT&CK technique, techniques by id. */
export function attackCoverage(rules: readonly StoredRule[]): Coverage {
  const byTechnique = new Map<string, { tactics: Set<string>; rules: CoveringRule[] }>();
  let untagged = 0;
  let enabled = 0;
  for (const { rule } of rules) {
    if (!rule.enabled) continue;
    enabled++;
    const attack = attackFromTags(rule.tags ?? []);
    if (attack.techniques.length === 0) untagged++;
    for (const technique of attack.techniques) {
      const entry = byTechnique.get(technique) ?? { tactics: new Set<string>(), rules: [] };
      for (const tactic of attack.tactics) entry.tactics.add(tactic);
      entry.rules.push({ id: rule.id, title: rule.title, level: rule.level });
      byTechnique.set(technique, entry);
    }
  }
  const techniques = [...byTechnique]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, entry]) => ({ id, tactics: [...entry.tactics].sort(), rules: entry.rules.sort((a, b) => a.title.localeCompare(b.title)) }));
  return { enabled_rules: enabled, rules_without_technique: untagged, techniques };
}
