/**
 * API keys of the HTTP input. Senders differ in how they present a key, so
 * several forms are accepted: `X-API-Key: <key>`, `Authorization: ApiKey <key>`,
 * `Authorization: ApiKey base64(<id>:<key>)` (what Beats and Logstash send for
 * `api_key: "<id>:<key>"`, the id being ignored) and `Authorization: Basic
 * base64(<user>:<key>)` for shippers that only do basic auth (Fluent Bit's
 * HTTP_User/HTTP_Passwd); the user name is ignored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export interface ApiKeyChecker {
  readonly required: boolean;
  isAllowed(headers: Readonly<Record<string, string | string[] | undefined>>): boolean;
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

export function apiKeyChecker(keys: readonly string[]): ApiKeyChecker {
  // Comparing fixed-size digests in constant time hides both the keys and their lengths from timing.
  const allowed = keys.map(digest);
  return {
    required: allowed.length > 0,
    isAllowed(headers) {
      if (allowed.length === 0) return true;
      let ok = false;
      for (const candidate of candidates(headers)) {
        const presented = digest(candidate);
        for (const key of allowed) ok = timingSafeEqual(presented, key) || ok;
      }
      return ok;
    },
  };
}
