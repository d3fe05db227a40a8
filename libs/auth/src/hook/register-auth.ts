import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, AuthErrorCodes } from '../errors';
import type { ApiKeys } from '../keys/api-keys';
import type { JwtVerifier } from '../jwt/jwt-verifier';
import { roleAllows, type Principal } from '../permissions';
import { credentialOf } from './credential';

export interface AuthOptions {
  readonly keys: ApiKeys;
  /** Bearer tokens are accepted only when a JWKS is configured. */
  readonly jwt?: JwtVerifier;
}

/**
 * The one place the API checks callers. Every route must declare `config.permission`: a route
 * without one stops the API at registration. Each request then needs a credential whose role
 * holds the route's permission, except on `public` routes. Call it before any route registers.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.permission === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no permission; add config: { permission } (see libs/auth).`);
    }
  });

  app.addHook('onRequest', async (request) => {
    // Unmatched URLs have no declared permission: they still need a valid credential, so probing does not map the API.
    const permission = request.routeOptions.config?.permission;
    if (permission === 'public') return;
    const principal = await authenticate(request, options);
    // Set before the role check, so a refused attempt is audited under the caller who made it.
    request.principal = principal;
    if (permission !== undefined && !roleAllows(principal.role, permission)) {
      throw new AuthError(AuthErrorCodes.forbidden, `The role ${principal.role} may not do this (it needs ${permission}); use a key or token with a role that holds it.`, {
        details: { permission, role: principal.role },
      });
    }
  });
}

const INVALID = 'The credential is not valid: the key is unknown, revoked or expired, or the token failed verification. Create a key with `siem keys create`.';

async function authenticate(request: FastifyRequest, options: AuthOptions): Promise<Principal> {
  const credential = credentialOf(request.headers);
  if (credential === undefined) {
    throw new AuthError(AuthErrorCodes.required, 'This route needs a credential: send Authorization: ApiKey <key> (the first admin key is in <dataDir>/admin.key), X-API-Key: <key>, or Authorization: Bearer <token>.');
  }
  let principal: Principal | undefined;
  if (credential.kind === 'key') principal = await options.keys.verify(credential.key);
  else if (credential.kind === 'jwt' && options.jwt) principal = await options.jwt.verify(credential.token);
  if (principal === undefined) throw new AuthError(AuthErrorCodes.invalid, INVALID);
  return principal;
}
