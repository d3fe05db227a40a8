import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { roleAllows, type Principal, type Role } from '@siem/auth';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { ApiError, errorBody } from '../errors';
import { registerSecurity, securityOptions, type SecurityOptions } from './register-security';

/**
 * A small API for the security plugins' tests: the plugins as buildApi registers them, an
 * error handler answering ApiErrors as buildApi does, and a stand-in for the auth hook that
 * takes `x-test-principal: <id>:<role>:<tenant>` (anything else is a 401), so these tests
 * exercise limits and audit without key hashing.
 */
export function securityTestApp(overrides: Partial<SecurityOptions> = {}): { app: FastifyInstance; metrics: MetricsRegistry } {
  const metrics = new MetricsRegistry();
  const logger = createLogger('security-test', 'silent');
  const options = securityOptions(overrides);
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: options.maxBodyBytes });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    return reply.code(error.statusCode ?? 500).send(errorBody(error.code ?? 'ERR', error.message));
  });
  registerSecurity(app, options, { logger, metrics });
  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config?.permission;
    if (permission === 'public') return;
    const [id, role, tenant] = String(request.headers['x-test-principal'] ?? '').split(':');
    if (!id || !role || !tenant) return reply.code(401).send(errorBody('SIEM_AUTH_INVALID', 'no'));
    request.principal = { kind: 'key', id, name: `${id}-name`, role: role as Role, tenant } satisfies Principal;
    if (permission !== undefined && !roleAllows(role as Role, permission)) return reply.code(403).send(errorBody('SIEM_AUTH_FORBIDDEN', 'no'));
  });
  app.register(async (routes) => {
    routes.get('/healthz', { config: { permission: 'public' } }, async () => ({ status: 'ok' }));
    routes.get('/metrics', { config: { permission: 'settings:manage' } }, async () => metrics.render());
    routes.get<{ Params: { id: string } }>('/api/v1/alerts/:id', { config: { permission: 'alerts:read' } }, async (request) => ({ id: request.params.id }));
    routes.post('/api/v1/rules', { config: { permission: 'rules:write' } }, async (_request, reply) => reply.code(201).send({ created: true }));
    routes.post('/api/v1/search', { config: { permission: 'events:read' } }, async () => ({ hits: [] }));
  });
  return { app, metrics };
}

export function as(id: string, role: Role, tenant = 'default'): Record<string, string> {
  return { 'x-test-principal': `${id}:${role}:${tenant}` };
}
