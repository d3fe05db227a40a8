import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_TENANT, type Permission } from '@siem/auth';
import { ApiError, ApiErrorCodes } from '../errors';
import type { AuditQueue } from './audit-queue';
import { redact } from './redact';

/** Permissions of requests that change data: refused while their audit record could not be kept. */
const CHANGES: ReadonlySet<Permission> = new Set(['alerts:write', 'searches:write', 'rules:write', 'agents:write', 'keys:manage', 'settings:manage', 'ingest:write']);

/** Requests refused before authentication by the failure limit: counted in metrics, not audited (a flood must not fill the trail). */
export const unauditedRequests = new WeakSet<FastifyRequest>();

/** Every route is audited except the probes, the metrics scrape and the static docs page, which read no data. */
function audited(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined || route === '/metrics' || route.startsWith('/api/docs')) return false;
  return request.routeOptions.config?.permission !== 'public' && !unauditedRequests.has(request);
}

/**
 * One audit record per API call that reads or changes data, queued when the answer has
 * gone (so it carries the status and duration) and written in the background.
 *
 * When the queue is full (the store has not taken records for a while), a request that would
 * change data is refused with 503 before it runs: an unrecorded change is exactly what an
 * insider covering their tracks wants, so changes fail closed. Reads go on, their records
 * dropped and counted, so analysts can still work an incident while the store recovers.
 */
export function registerAuditTrail(app: FastifyInstance, queue: AuditQueue): void {
  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config?.permission;
    if (queue.full && permission !== undefined && CHANGES.has(permission)) {
      throw new ApiError(ApiErrorCodes.auditUnavailable, 'Changes are refused while the audit trail cannot be written (its store does not answer); retry once it recovers, and see the API log.', 503, { retryable: true });
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!audited(request)) return;
    const principal = request.principal;
    const durationMs = Math.round(reply.elapsedTime * 1000) / 1000;
    queue.push({
      id: randomUUID(),
      '@timestamp': new Date(Date.now() - reply.elapsedTime).toISOString(),
      tenant: principal?.tenant ?? DEFAULT_TENANT,
      ...(principal ? { principal: { kind: principal.kind, id: principal.id, name: principal.name, role: principal.role } } : {}),
      method: request.method,
      route: request.routeOptions.url!,
      params: redact(request.params ?? {}) as Record<string, unknown>,
      query: redact(request.query ?? {}) as Record<string, unknown>,
      ...(request.body === undefined || request.body === null ? {} : { body: redact(request.body) }),
      status: reply.statusCode,
      sourceAddress: request.ip,
      durationMs,
    });
  });

  app.addHook('onClose', async () => queue.close());
}
