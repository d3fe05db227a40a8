import { toOpenSearchQuery, type QueryAst, type QueryNode, type TermNode, type TimeRange } from '@siem/query';

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

function isTenantNode(node: QueryNode): node is TermNode {
  return node.kind === 'term' && node.field === TENANT_FIELD && !node.phrase;
}

/**
 * The tenant a query is confined to (a `tenantNode` at its top, alone or in the top AND) and the
 * query without that condition, for a store that applies the tenant apart: OpenSearch as an
 * unscored, cached filter clause, the embedded store not at all where its rollups show that every
 * event of the range is the tenant's. Undefined when the query has no such condition, or two
 * naming different tenants (it matches nothing then, and runs as it is).
 */
export function splitTenant(query: QueryAst): { tenant: string; rest: QueryAst } | undefined {
  const root = query.root;
  if (isTenantNode(root)) return { tenant: root.value, rest: { root: { kind: 'all' } } };
  if (root.kind !== 'and') return undefined;
  const scopes = root.children.filter(isTenantNode);
  const tenant = scopes[0]?.value;
  if (tenant === undefined || scopes.some((node) => node.value !== tenant)) return undefined;
  const rest = root.children.filter((child) => !isTenantNode(child));
  return { tenant, rest: { root: rest.length === 1 ? rest[0]! : { kind: 'and', children: rest } } };
}

/** Whether a stored event belongs to the tenant, by the same rule as `tenantQuery`: for reads by id. */
export function eventInTenant(event: Record<string, unknown>, tenant: string): boolean {
  const organization = event.organization;
  const id = organization !== null && typeof organization === 'object' && !Array.isArray(organization) ? (organization as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id === tenant;
}

/** The OpenSearch query of a read, its tenant condition (if any) in the bool filter clause, not scored and cached, rather than among the scored clauses. */
export function toTenantOpenSearchQuery(query: QueryAst, range: TimeRange = {}): Record<string, unknown> {
  const scope = splitTenant(query);
  return scope ? toOpenSearchQuery(scope.rest, range, { filters: [tenantNode(scope.tenant)] }) : toOpenSearchQuery(query, range);
}
