import { DEFAULT_TENANT } from '@siem/auth';
import type { FastifyRequest } from 'fastify';

/**
 * The tenant every read and write of a request is confined to: the caller's, as the auth hook
 * set it. A route passes it to the reader and the stores, whose read requests require one.
 */
export function callerTenant(request: FastifyRequest): string {
  return request.principal?.tenant ?? DEFAULT_TENANT;
}
