import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError, AuthErrorCodes } from '../errors';
import { DEFAULT_TENANT, ROLES, type Principal, type Role } from '../permissions';

export interface JwtOptions {
  /** A JWKS file path, or an https URL the keys are fetched from (and re-fetched when a token names an unknown key). */
  readonly jwks: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Claim holding the role (one of ROLES); a dotted path reads a nested claim. */
  readonly roleClaim: string;
  /** Claim holding the tenant; a token without it belongs to tenant `default`. */
  readonly tenantClaim: string;
}

/** Bearer tokens of an identity provider, verified against its JWKS; the role and tenant come from configured claims. */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: JwtOptions) {
    this.keys = /^https?:\/\//.test(options.jwks) ? createRemoteJWKSet(new URL(options.jwks)) : createLocalJWKSet(readJwksFile(options.jwks));
  }

  /** The caller of a valid token, or undefined when its signature, issuer, audience, time or role claim is wrong. */
  async verify(token: string): Promise<Principal | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        ...(this.options.issuer === undefined ? {} : { issuer: this.options.issuer }),
        ...(this.options.audience === undefined ? {} : { audience: this.options.audience }),
      }));
    } catch {
      return undefined;
    }
    const role = claim(payload, this.options.roleClaim);
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || typeof payload.sub !== 'string') return undefined;
    const tenant = claim(payload, this.options.tenantClaim);
    if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '')) return undefined;
    const name = typeof payload.name === 'string' ? payload.name : payload.sub;
    return { kind: 'jwt', id: payload.sub, name, role: role as Role, tenant: (tenant as string | undefined) ?? DEFAULT_TENANT };
  }
}

function claim(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function readJwksFile(file: string): JSONWebKeySet {
  try {
    const jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error('it has no "keys" array');
    return jwks;
  } catch (cause) {
    throw new AuthError(AuthErrorCodes.badConfig, `SIEM_API_JWKS (${file}) is not a readable JWKS file: ${(cause as Error).message}. Point it at a JSON Web Key Set or an https URL.`, { cause });
  }
}
