import { compileRules, type CompiledRuleSet, type Rule, type RuleCounters, type RuleMatch, type RuleState } from '@siem/rules';
import { DEFAULT_TENANT, GLOBAL_TENANT } from '@siem/schema';

/**
 * Rules run per tenant: a tenant's rules see only that tenant's events (organization.id, which
 * the processor has just set from the collector's decision), global rules (tenant `*`) see
 * every tenant's, and their alerts carry the event's tenant. One compiled set per tenant, so an
 * event is evaluated against its own tenant's rules and the global ones only, never the others'.
 * A rule stored without a tenant is `default`'s.
 */
export function compileTenantRules(rules: readonly Rule[]): CompiledRuleSet {
  const groups = new Map<string, Rule[]>();
  for (const rule of rules) {
    const tenant = typeof (rule as { tenant?: unknown }).tenant === 'string' ? (rule as unknown as { tenant: string }).tenant : DEFAULT_TENANT;
    const group = groups.get(tenant);
    if (group) group.push(rule);
    else groups.set(tenant, [rule]);
  }
  const sets = new Map([...groups].map(([tenant, group]) => [tenant, compileRules(group)]));
  const global = sets.get(GLOBAL_TENANT) ?? compileRules([]);
  sets.delete(GLOBAL_TENANT);
  const all = [global, ...sets.values()];
  const none: readonly RuleMatch[] = [];
  return {
    size: all.reduce((sum, set) => sum + set.size, 0),
    skipped: new Map<string, RuleState>(all.flatMap((set) => [...set.skipped])),
    match(event) {
      const organization = event.organization as { id?: unknown } | undefined;
      // The processor stamps every event; one without a tenant (a test, a replay of an old dead letter) is default's.
      const own = sets.get(typeof organization?.id === 'string' ? organization.id : DEFAULT_TENANT);
      const globalMatches = global.size > 0 ? global.match(event) : none;
      if (!own) return globalMatches;
      const ownMatches = own.match(event);
      return globalMatches.length === 0 ? ownMatches : ownMatches.length === 0 ? globalMatches : [...globalMatches, ...ownMatches];
    },
    stats: () => new Map<string, RuleCounters>(all.flatMap((set) => [...set.stats()])),
  };
}
