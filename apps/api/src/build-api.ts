import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { EventStore } from '@siem/store';
import type { Logger } from '@siem/telemetry';
import { searchRoutes } from './routes/search';

export interface ApiDeps {
  readonly store: EventStore;
  readonly logger: Logger;
}

/** The Fastify app, unstarted: tests call `inject`, main.ts calls `listen`. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Requests are counted, not logged one line each.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'SIEM_API_BAD_REQUEST', message: `Invalid ${error.validationContext ?? 'request'}: ${error.message}.` } });
    }
    const retryable = (error as { retryable?: boolean }).retryable === true;
    request.log.error({ err: error }, 'A request failed.');
    return reply
      .code(retryable ? 503 : 500)
      .send({ error: { code: (error as { code?: string }).code ?? 'SIEM_API_INTERNAL', message: retryable ? 'The store is unavailable; retry shortly.' : 'Internal error; see the API log.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'SIEM_API_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}; see GET /api/v1/search.` } }),
  );

  app.get('/health', async () => ({ status: 'ok' }));
  app.register(searchRoutes, { prefix: '/api/v1', store: deps.store });
  return app;
}
