import type { QueryAst, QueryNode } from '@siem/query';

/**
 * Tenants on the read path. Every read the API makes goes through `tenantQuery`, which both
 * stores' compilers turn into a filter on `organization.id` (an FTS term lookup in the embedded
 * store, a term query in OpenSearch), so the filter runs in the store, next to the data.
 *
 * The filter is the same term for every tenant, `default` included: the processor stamps every
 * event, and an event without `organization.id` (indexed by a version before tenants) is
 * nobody's, which fails closed. A `default`-also-sees-unstamped rule was measured at 3 to 10
 * times the cost of the term in the embedded store (a negated FTS lookup over the whole day).
 */
const TENANT_FIELD = 'organization.id';

export function tenantNode(tenant: string): QueryNode {
  return { kind: 'term', field: TENANT_FIELD, value: tenant, phrase: false };
}

/** The query, restricted to the tenant's events. */
export function tenantQuery(query: QueryAst, tenant: string): QueryAst {
  const scope = tenantNode(tenant);
  if (query.root.kind === 'all') return { root: scope };
  return { root: { kind: 'and', children: [query.root, scope] } };
}

/** Whether a stored event belongs to the tenant, by the same rule as `tenantQuery`: for reads by id. */
export function eventInTenant(event: Record<string, unknown>, tenant: string): boolean {
  const organization = event.organization;
  const id = organization !== null && typeof organization === 'object' && !Array.isArray(organization) ? (organization as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id === tenant;
}
