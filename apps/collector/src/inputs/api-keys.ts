/**
 * API keys of the HTTP input. Senders differ in how they present a key, so
 * several forms are accepted: `X-API-Key: <key>`, `Authorization: ApiKey <key>`,
 * `Authorization: ApiKey base64(<id>:<key>)` (what Beats and Logstash send for
 * `api_key: "<id>:<key>"`, the id being ignored) and `Authorization: Basic
 * base64(<user>:<key>)` for shippers that only do basic auth (Fluent Bit's
 * HTTP_User/HTTP_Passwd); the user name is ignored.
 *
 * A configured key may name its tenant (`<key>=<tenant>`): every record sent with it
 * belongs to that tenant; a key without one sends into the input's tenant.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isTenantId } from '@siem/schema';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** What a request's credential allows: refused, or accepted with the tenant its key names (undefined: the input's). */
export type KeyCheck = { readonly ok: false } | { readonly ok: true; readonly tenant?: string };

export interface ApiKeyChecker {
  readonly required: boolean;
  check(headers: Readonly<Record<string, string | string[] | undefined>>): KeyCheck;
}

/** `<key>=<tenant>` when the text after the last `=` is a tenant id; otherwise the entry is a key alone (base64 keys end in `=`). */
export function splitKeyTenant(entry: string): { key: string; tenant?: string } {
  const at = entry.lastIndexOf('=');
  const tenant = at > 0 ? entry.slice(at + 1) : '';
  return tenant !== '' && isTenantId(tenant) ? { key: entry.slice(0, at), tenant } : { key: entry };
}

function candidates(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const found: string[] = [];
  const direct = headers['x-api-key'];
  if (typeof direct === 'string') found.push(direct.trim());
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return found;
  const match = /^\s*(ApiKey|Basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return found;
  const [, scheme, credential] = match as unknown as [string, string, string];
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (scheme.toLowerCase() === 'apikey') found.push(credential);
  if (colon !== -1) found.push(decoded.slice(colon + 1));
  return found;
}

/** Presented candidates all refused: the caller may still try them against another key source. */
export function presentedKeys(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  return candidates(headers).filter((candidate) => candidate !== '');
}

export function apiKeyChecker(entries: readonly string[]): ApiKeyChecker {
  // Comparing fixed-size digests in constant time hides both the keys and their lengths from timing.
  const allowed = entries.map(splitKeyTenant).map(({ key, tenant }) => ({ digest: digest(key), tenant }));
  return {
    required: allowed.length > 0,
    check(headers) {
      if (allowed.length === 0) return { ok: true };
      let match: (typeof allowed)[number] | undefined;
      for (const candidate of candidates(headers)) {
        const presented = digest(candidate);
        for (const key of allowed) if (timingSafeEqual(presented, key.digest) && !match) match = key;
      }
      if (!match) return { ok: false };
      return match.tenant === undefined ? { ok: true } : { ok: true, tenant: match.tenant };
    },
  };
}
