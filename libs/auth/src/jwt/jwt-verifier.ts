import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type RemoteJWKSet } from 'jose';
import { AuthError, AuthErrorCodes } from '../errors';
import { DEFAULT_TENANT, ROLES, type Principal, type Role } from '../permissions';

export interface JwtOptions {
  /** A JWKS file path, or an https URL the keys are fetched from (and re-fetched when a token names an unknown key); plain http only to this host (localhost, 127.0.0.1, ::1). */
  readonly jwks: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Claim holding the role (one of ROLES); a dotted path reads a nested claim. */
  readonly roleClaim: string;
  /** Claim holding the tenant; a token without it belongs to tenant `default`. */
  readonly tenantClaim: string;
}

/**
 * Bearer tokens of an identity provider, verified against its JWKS; the role and tenant come from configured claims.
 * The constructor throws AuthError SIEM_AUTH_BAD_CONFIG for a JWKS it can tell is wrong at once: an unreadable file,
 * one that is no key set, a URL that does not parse or would fetch the keys over plain http from another host.
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly remote: RemoteJWKSet | undefined;

  constructor(private readonly options: JwtOptions) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.jwks)) {
      this.remote = createRemoteJWKSet(jwksUrl(options.jwks));
      this.keys = this.remote;
    } else this.keys = createLocalJWKSet(readJwksFile(options.jwks));
  }

  /** Fetches a remote key set once; throws AuthError SIEM_AUTH_BAD_CONFIG when it cannot be fetched or is no key set. A file was read by the constructor. */
  async fetchKeys(): Promise<void> {
    if (!this.remote) return;
    try {
      await this.remote.reload();
    } catch (cause) {
      throw new AuthError(
        AuthErrorCodes.badConfig,
        `The JWKS at SIEM_API_JWKS (${this.options.jwks}) could not be fetched: ${(cause as Error).message}. Check the URL, that it answers a JSON Web Key Set, and that this host reaches it; bearer tokens are refused until it does.`,
        { cause },
      );
    }
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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function jwksUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new AuthError(AuthErrorCodes.badConfig, `SIEM_API_JWKS (${text}) is not a valid URL. Set it to the https URL of the identity provider's JSON Web Key Set, or to a JWKS file path.`, { cause });
  }
  // Keys fetched over plain http could be replaced on the way, and with them every token's signature.
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return url;
  throw new AuthError(
    AuthErrorCodes.badConfig,
    `SIEM_API_JWKS (${text}) must be an https URL (plain http only to this host) or a JWKS file path; ${url.protocol} from ${url.hostname || 'no host'} is refused. Use the identity provider's https JWKS URL.`,
  );
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
