/**
 * Which tenant a record belongs to, decided at receipt from what the collector knows of the
 * sender, never from the payload: the HTTP key it presented, the certificate it connected
 * with, else the input it came in on. The processor writes it to `organization.id`.
 */
import { DEFAULT_TENANT, isTenantId, type RawRecord } from '@siem/schema';
import { InputErrorCodes, InputSetupError } from './input-errors';

/** `name=tenant` pairs of a setting, checked at start. */
export function parseTenantPairs(entries: readonly string[], variable: string, what: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const name = entry.slice(0, at).trim();
    const tenant = entry.slice(at + 1).trim();
    if (at <= 0 || name === '' || !isTenantId(tenant)) {
      throw new InputSetupError(
        InputErrorCodes.tenantsInvalid,
        `${variable} entry "${entry}" is not ${what}=tenant with a tenant of letters, digits, '.', '_' and '-' (up to 64, starting with a letter or digit).`,
      );
    }
    if (pairs.has(name)) throw new InputSetupError(InputErrorCodes.tenantsInvalid, `${variable} names ${what} "${name}" twice; give each one tenant.`);
    pairs.set(name, tenant);
  }
  return pairs;
}

/**
 * The tenant of each input from SIEM_INPUT_TENANTS (`syslog_udp=acme,*=ops`), default `default`.
 * Returns undefined when nothing is configured: records then travel without a tenant and
 * land in `default`, so the hot path of a single-tenant deployment does not change.
 */
export function inputTenants(entries: readonly string[]): ((input: string) => string) | undefined {
  if (entries.length === 0) return undefined;
  const pairs = parseTenantPairs(entries, 'SIEM_INPUT_TENANTS', 'input');
  const fallback = pairs.get('*') ?? DEFAULT_TENANT;
  return (input) => pairs.get(input) ?? fallback;
}

/** Gives each record without a tenant (one no key or certificate decided) its input's tenant. */
export function stampInputTenant(records: readonly RawRecord[], tenantOf: (input: string) => string): readonly RawRecord[] {
  return records.map((record) => (record.tenant !== undefined ? record : { ...record, tenant: tenantOf(record.input) }));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant the request's key names; undefined: the input's tenant. */
    ingestTenant?: string;
  }
}

/** The tenant fields of the records a request sends. */
export function requestTenant(request: { ingestTenant?: string }): { tenant?: string } {
  return request.ingestTenant === undefined ? {} : { tenant: request.ingestTenant };
}
