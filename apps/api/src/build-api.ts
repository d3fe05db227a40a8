import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthError, registerAuth, type ApiKeys, type JwtVerifier } from '@siem/auth';
import type { ActionDispatcher } from '@siem/actions';
import type { ActionDeadLetterStore, DetectionStore, SavedSearchStore } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { apiMetrics } from './api-metrics';
import { ApiError, ApiErrorCodes, errorBody } from './errors';
import type { EventReader } from './event-reader';
import { registerOpenApi } from './openapi';
import { JobError } from './read-pool/read-pool';
import { agentRoutes, type AgentRoutesOptions } from './routes/agents';
import { actionRoutes } from './routes/actions';
import { alertRoutes } from './routes/alerts';
import { analystRoutes } from './routes/analyst';
import { attackRoutes } from './routes/attack';
import { incidentRoutes } from './routes/incidents';
import { keyRoutes } from './routes/keys';
import { opsRoutes } from './routes/ops';
import { ruleRoutes, type EventWindow } from './routes/rules';
import { savedSearchRoutes } from './routes/saved-searches';
import { searchRoutes } from './routes/search';
import { registerSecurity, securityOptions, type SecurityOptions } from './security/register-security';
import { registerTenantScope, tenantDetection, tenantSavedSearches } from './tenant-stores';

export interface ApiDeps {
  readonly reader: EventReader;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Rules and alerts; without it the API serves no /rules or /alerts routes. */
  readonly detection?: DetectionStore;
  /** Saved searches; without it the API serves no /saved-searches routes. */
  readonly savedSearches?: SavedSearchStore;
  /** Notifications that failed for good, listed and resent at /actions/dead-letters; without it the API serves no /actions routes. */
  readonly actions?: { readonly deadLetters: ActionDeadLetterStore; readonly dispatcher: Pick<ActionDispatcher, 'resend'> };
  /** The API keys every request is checked against; /keys manages them. */
  readonly keys: ApiKeys;
  /** Bearer tokens of an identity provider; without it only API keys are accepted. */
  readonly jwt?: JwtVerifier;
  /** The fleet's registry, health policy and enrolment keys; without it the API serves no /agents routes. */
  readonly agents?: AgentRoutesOptions;
  /** /metrics without a credential (SIEM_API_METRICS_PUBLIC). */
  readonly metricsPublic?: boolean;
  /** Limits, audit trail and TLS; unset ones take the configuration's defaults, and without `audit` nothing is audited. */
  readonly security?: Partial<SecurityOptions>;
}

/** The Fastify app, unstarted: tests call `inject`, main.ts calls `listen`. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const security = securityOptions(deps.security);
  const app = Fastify({
    bodyLimit: security.maxBodyBytes,
    ...(security.tls ? { https: security.tls } : {}),
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Requests are counted, not logged one line each.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true } },
  });
  const metrics = apiMetrics(deps.metrics);

  app.addHook('onResponse', async (request, reply) => {
    metrics.answered(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', async () => metrics.stop());

  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, metrics.budgetHit));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(ApiErrorCodes.notFound, `No route ${request.method} ${request.url.split('?')[0]}; see GET /api/v1/search.`)),
  );

  registerOpenApi(app);
  registerSecurity(app, security, deps);
  registerAuth(app, { keys: deps.keys, ...(deps.jwt ? { jwt: deps.jwt } : {}) });
  app.register(opsRoutes, { reader: deps.reader, metrics: deps.metrics, metricsPublic: deps.metricsPublic ?? false });
  app.register(keyRoutes, { prefix: '/api/v1', keys: deps.keys });
  app.register(searchRoutes, { prefix: '/api/v1', reader: deps.reader });
  app.register(analystRoutes, { prefix: '/api/v1', reader: deps.reader, exportMaxSeconds: security.exportMaxSeconds });
  // Rules, alerts and saved searches reach the routes confined to the caller's tenant (tenant-stores.ts).
  registerTenantScope(app);
  if (deps.savedSearches) app.register(savedSearchRoutes, { prefix: '/api/v1', savedSearches: tenantSavedSearches(deps.savedSearches) });
  if (deps.agents) app.register(agentRoutes, { prefix: '/api/v1', ...deps.agents });
  if (deps.detection) {
    const detection = tenantDetection(deps.detection);
    const events: EventWindow = async (range) => JSON.parse(await deps.reader.search({ q: '', ...range })).hits;
    app.register(ruleRoutes, { prefix: '/api/v1', detection, events });
    const eventById = async (id: string, tenant: string, timestamp: string) => {
      const json = await deps.reader.getEvent(id, tenant, timestamp);
      return json === null ? null : (JSON.parse(json) as { event: Record<string, unknown> }).event;
    };
    app.register(alertRoutes, { prefix: '/api/v1', detection, eventById });
    app.register(incidentRoutes, { prefix: '/api/v1', detection });
    app.register(attackRoutes, { prefix: '/api/v1', detection });
  }
  if (deps.actions) app.register(actionRoutes, { prefix: '/api/v1', ...deps.actions });
  return app;
}

/** Every error leaves as `{error: {code, message, details}}` with its status; causes and stacks go to the log only. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, budgetHit: (code: string) => void) {
  if (error.validation) {
    return reply.code(400).send(errorBody(ApiErrorCodes.badRequest, `Invalid ${error.validationContext ?? 'request'}: ${error.message}.`));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send(errorBody(ApiErrorCodes.bodyTooLarge, `The request body is larger than ${request.server.initialConfig.bodyLimit} bytes (SIEM_API_MAX_BODY_BYTES); send less per request.`));
  }
  if (error instanceof AuthError) {
    if (error.statusCode === 401) void reply.header('www-authenticate', 'ApiKey, Bearer');
    if (error.statusCode >= 500) request.log.warn({ code: error.code, err: error.cause }, 'A credential could not be checked: the key store failed.');
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
  }
  if (error instanceof ApiError || (error instanceof JobError && error.statusCode !== undefined)) {
    const status = (error as ApiError | JobError).statusCode!;
    budgetHit(error.code);
    if (status >= 500) request.log.warn({ code: error.code, url: request.url.split('?')[0] }, 'A request was refused: it hit a budget or the store failed.');
    return reply.code(status).send(errorBody(error.code, error.message, error.details));
  }
  if (error instanceof JobError) {
    // The query's own mistakes: the user corrects them, the message says how.
    if (error.code.startsWith('SIEM_QUERY_')) return reply.code(400).send(errorBody(error.code, error.message, error.details));
    request.log.error({ code: error.code, reason: error.message }, 'A read failed in the store.');
    if (error.retryable) return reply.code(503).send(errorBody(error.code, 'The store is unavailable; retry shortly.'));
    return reply.code(500).send(errorBody(ApiErrorCodes.internal, 'Internal error; see the API log.'));
  }
  // Fastify's own refusals (a malformed body, an unsupported media type) are the client's to fix.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send(errorBody(ApiErrorCodes.badRequest, error.message));
  }
  request.log.error({ err: error }, 'A request failed.');
  return reply.code(500).send(errorBody(ApiErrorCodes.internal, 'Internal error; see the API log.'));
}
