import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_TENANT } from '@siem/auth';
import { StoreError, StoreErrorCodes, type AuditStore } from '@siem/store';
import { ApiError, ApiErrorCodes } from '../../errors';
import { ErrorResponse } from '../search/schema';
import { AuditPageResponse, AuditQuerystring } from './schema';

export interface AuditRoutesOptions {
  readonly audit: AuditStore;
}

/**
 * GET /audit: the caller's tenant's audit trail, newest first. Reading is the only route: no
 * route of the API changes or deletes an audit record.
 */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (app, { audit }) => {
  app.get<{ Querystring: AuditQuerystring }>(
    '/audit',
    {
      config: { permission: 'audit:read' },
      schema: { summary: 'Search the audit trail: who called which route, when, from where, with what result', querystring: AuditQuerystring, response: { 200: AuditPageResponse, '4xx': ErrorResponse, '5xx': ErrorResponse } },
    },
    async (request) => {
      const { from, to, principal, route, method, status, size, cursor } = request.query;
      try {
        return await audit.search({ tenant: request.principal?.tenant ?? DEFAULT_TENANT, from, to, principal, route, method, status, size, cursor });
      } catch (cause) {
        if (cause instanceof StoreError && cause.code === StoreErrorCodes.badRequest) throw new ApiError(ApiErrorCodes.badRequest, cause.message, 400, { retryable: false, cause });
        throw new ApiError(ApiErrorCodes.notReady, 'The audit trail cannot be read: the store does not answer; retry shortly and see the API log.', 503, { retryable: true, cause });
      }
    },
  );
};
