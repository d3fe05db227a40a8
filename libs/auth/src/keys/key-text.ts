import { createHash, randomBytes } from 'node:crypto';

/**
 * An API key reads `siem_<id>_<secret>`: the id finds the stored record (ids are listed, not
 * secret), the secret (32 random bytes, base64url) is checked against its scrypt hash.
 */
const KEY_PATTERN = /^siem_([0-9a-f]{16})_([A-Za-z0-9_-]{43,})$/;
/** Keys set by the operator (SIEM_ADMIN_KEY) may have any form of this length or more. */
export const MIN_OPERATOR_KEY_LENGTH = 32;

/** A new key's text; its id is random unless given (16 hex digits). */
export function newKeyText(id: string = randomBytes(8).toString('hex')): { id: string; key: string } {
  return { id, key: `siem_${id}_${randomBytes(32).toString('base64url')}` };
}

/**
 * The record id of a key. A key in the `siem_` form carries it; any other text (an operator's own
 * SIEM_ADMIN_KEY) gets one derived from its hash, so it is found again after every restart.
 */
export function keyIdOf(key: string): string {
  const match = KEY_PATTERN.exec(key);
  if (match) return match[1]!;
  return `x${createHash('sha256').update(key).digest('hex').slice(0, 15)}`;
}

/** The cache key of a verified key: its SHA-256, so no plain key stays in memory longer than a request. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
