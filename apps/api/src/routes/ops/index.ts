import type { FastifyPluginAsync } from 'fastify';
import type { MetricsRegistry } from '@siem/telemetry';
import { ApiError, ApiErrorCodes } from '../../errors';
import type { EventReader } from '../../event-reader';

export interface OpsRoutesOptions {
  readonly reader: EventReader;
  readonly metrics: MetricsRegistry;
  /**
   * /metrics without a credential (SIEM_API_METRICS_PUBLIC). Off by default: the metrics count
   * the whole deployment, every tenant together, so they are an admin's (settings:manage).
   */
  readonly metricsPublic: boolean;
}

/**
 * Liveness and readiness without a credential, and metrics. /healthz touches nothing but the
 * event loop, which no search can hold (searches run in read workers), so it answers
 * even while every read worker is busy or stuck.
 */
export const opsRoutes: FastifyPluginAsync<OpsRoutesOptions> = async (app, { reader, metrics, metricsPublic }) => {
  const alive = async () => ({ status: 'ok' });
  app.get('/healthz', { config: { permission: 'public' } }, alive);
  // The name the first versions answered on.
  app.get('/health', { config: { permission: 'public' } }, alive);

  app.get('/readyz', { config: { permission: 'public' } }, async () => {
    try {
      await reader.ping();
    } catch (cause) {
      const reason = (cause as { code?: string }).code ?? 'unknown';
      throw new ApiError(ApiErrorCodes.notReady, `The store does not answer (${reason}); see the API log and check the store.`, 503, { retryable: true, cause });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', { config: { permission: metricsPublic ? 'public' : 'settings:manage' } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
};
