import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, ApiErrorCodes } from '../errors';

function unlimited(request: FastifyRequest): boolean {
  return request.routeOptions.config?.permission === 'public' || request.routeOptions.url === '/metrics';
}

/**
 * At most `perMinute` requests per caller (key id or token subject) and minute, per API
 * process. It runs as a preHandler, after the auth hook has named the caller, so one busy
 * key never uses up another's allowance; a request that fails authentication never gets
 * here (the failure limit handles those per address).
 */
export function registerRateLimit(app: FastifyInstance, perMinute: number): void {
  app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal ? `${request.principal.kind}:${request.principal.id}` : `address:${request.ip}`),
    allowList: (request) => unlimited(request),
    errorResponseBuilder: (_request, context) =>
      new ApiError(ApiErrorCodes.rateLimited, `This key made more than ${context.max} requests in a minute; retry in ${context.after}.`, 429, {
        retryable: true,
        details: { limitPerMinute: context.max, retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      }),
  });
}
