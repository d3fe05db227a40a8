/**
 * What each role may do. Every API route declares one permission (`config.permission`);
 * one hook checks it, so a route cannot forget to be protected.
 */
export const ROLES = ['viewer', 'analyst', 'detection', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Health and readiness probes: answered without a credential. */
  'public',
  'events:read',
  'alerts:read',
  'alerts:write',
  'searches:write',
  'rules:read',
  'rules:write',
  'audit:read',
  'agents:read',
  'agents:write',
  'keys:manage',
  'settings:manage',
  'ingest:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['events:read', 'alerts:read', 'rules:read', 'agents:read'];
const ANALYST: readonly Permission[] = [...VIEWER, 'alerts:write', 'searches:write', 'audit:read'];
const DETECTION: readonly Permission[] = [...ANALYST, 'rules:write'];
const ADMIN: readonly Permission[] = [...DETECTION, 'agents:write', 'keys:manage', 'settings:manage'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  analyst: new Set(ANALYST),
  detection: new Set(DETECTION),
  admin: new Set(ADMIN),
  ingest: new Set<Permission>(['ingest:write']),
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].has(permission);
}

/** The tenant of a deployment that never configures one (defined beside the other tenant names in @siem/schema). */
export { DEFAULT_TENANT } from '@siem/schema';

/** Who is calling: set on every authenticated request as `request.principal`. */
export interface Principal {
  readonly kind: 'key' | 'jwt';
  /** The key id or the token subject. */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** `organization.id` of everything this caller may read or write. */
  readonly tenant: string;
}
