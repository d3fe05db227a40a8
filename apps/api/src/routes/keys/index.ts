import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AuthError, AuthErrorCodes, DEFAULT_TENANT, type ApiKeys, type Principal } from '@siem/auth';
import { ErrorResponse } from '../search/schema';
import { CreatedKey, KeyInput, KeyList, KeyParams } from './schema';

export interface KeyRoutesOptions {
  readonly keys: ApiKeys;
}

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** An admin of tenant `default` (the deployment's) manages every tenant's keys; any other admin only its own tenant's. */
function managesTenant(caller: Principal, tenant: string): boolean {
  return caller.tenant === DEFAULT_TENANT || caller.tenant === tenant;
}

function callerOf(request: FastifyRequest): Principal {
  return request.principal!;
}

/** /api/v1/keys: create (the key is returned this once), list (never a key or hash), revoke. */
export const keyRoutes: FastifyPluginAsync<KeyRoutesOptions> = async (app, { keys }) => {
  app.post<{ Body: KeyInput }>(
    '/keys',
    { config: { permission: 'keys:manage' }, schema: { summary: 'Create an API key; the answer holds the key, shown only this once', body: KeyInput, response: { 201: CreatedKey, ...errors } } },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, role, expiresAt } = request.body;
      const tenant = request.body.tenant ?? caller.tenant;
      if (!managesTenant(caller, tenant)) {
        throw new AuthError(AuthErrorCodes.forbidden, `An admin of tenant ${caller.tenant} may create keys only in that tenant; leave tenant out or ask an admin of tenant ${DEFAULT_TENANT}.`, {
          details: { tenant },
        });
      }
      if (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now()) {
        throw new AuthError(AuthErrorCodes.badKeyRequest, `expiresAt (${expiresAt}) is in the past; give a future time.`, { details: { expiresAt } });
      }
      return reply.code(201).send(await keys.create({ name, role, tenant, ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }) }));
    },
  );

  app.get('/keys', { config: { permission: 'keys:manage' }, schema: { summary: 'The API keys of the caller\'s tenant (every tenant for an admin of tenant default)', response: { 200: KeyList, ...errors } } }, async (request) => {
    const caller = callerOf(request);
    return { keys: await keys.list(caller.tenant === DEFAULT_TENANT ? undefined : caller.tenant) };
  });

  app.delete<{ Params: KeyParams }>(
    '/keys/:id',
    { config: { permission: 'keys:manage' }, schema: { summary: 'Revoke an API key: every API process refuses it within a second', params: KeyParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const { id } = request.params;
      const key = await keys.get(id);
      // Another tenant's key is answered as missing, so ids of other tenants cannot be probed.
      if (!key || !managesTenant(callerOf(request), key.tenant)) {
        throw new AuthError(AuthErrorCodes.keyNotFound, `No key has the id "${id}"; list them with GET /api/v1/keys.`, { details: { id } });
      }
      await keys.revoke(id);
      return reply.code(204).send();
    },
  );
};
