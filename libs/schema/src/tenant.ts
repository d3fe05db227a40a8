/**
 * Tenants: every event, alert, rule and saved search belongs to one, as ECS `organization.id`.
 * A deployment that configures none has only `default`.
 */
export const DEFAULT_TENANT = 'default';

/** The tenant of a rule shared by every tenant: it runs on each tenant's events, its alerts carry the event's tenant. */
export const GLOBAL_TENANT = '*';

/** What a tenant id may be: it travels in a bus header and in file and index names' neighbourhood, so plain ASCII. */
export const TENANT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const TENANT_ID = new RegExp(TENANT_ID_PATTERN);

export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}
