import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI 3 document, generated from the routes' TypeBox schemas as they register
 * (so it cannot drift from what the routes validate), at /api/docs/json, and a browsable
 * page at /api/docs. Registered on the root instance before the routes, which it must see.
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'SIEM API', description: 'Search, aggregations, export, saved searches, rules and alerts. Errors are {error: {code, message, details}}; codes in docs/errors.md.', version: '1' },
    },
  });
  app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
}
