import type { FastifyInstance } from 'fastify';
import { FailureWindows, failureSource } from '@siem/auth';
import type { MetricsRegistry } from '@siem/telemetry';
import { ApiErrorCodes, errorBody } from '../errors';
import { unauditedRequests } from './audit-trail';

/**
 * Refuses, with 429 and Retry-After, every request from an address that caused more than
 * `perMinute` failed authentications this minute, before the auth hook looks at its
 * credential: guessing keys then costs the API one map lookup per guess, and callers from
 * other addresses are not slowed. The signal is the answer itself: any 401 the auth hook
 * gives (no, malformed, unknown, revoked or expired credential) counts as one failure, so the
 * hook needs no call into this limiter. Register it before the auth hook, whose onRequest
 * must run after this one.
 */
export function registerAuthFailureLimit(app: FastifyInstance, options: { readonly perMinute: number; readonly metrics: MetricsRegistry; readonly now?: () => number }): FailureWindows {
  const windows = new FailureWindows(options.perMinute, options.now);
  const blocked = options.metrics.counter('siem_api_auth_failures_blocked_total', 'Requests refused (429) because their source address caused too many failed authentications this minute.').bind({});
  const failures = options.metrics.counter('siem_api_auth_failures_total', 'Requests refused 401: no, malformed, unknown, revoked or expired credential.').bind({});

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.permission === 'public') return;
    const source = failureSource(request.ip);
    const waitMs = windows.blockedFor(source);
    if (waitMs <= 0) return;
    blocked.inc();
    unauditedRequests.add(request);
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    // Answered here rather than thrown: no error object or stack per refusal, so a flood costs as little as an answer can.
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send(errorBody(ApiErrorCodes.rateLimited, `Too many failed authentications from ${source}; retry in ${seconds} s with a valid key.`, { retryAfterSeconds: seconds }));
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    failures.inc();
    windows.fail(failureSource(request.ip));
  });
  return windows;
}
