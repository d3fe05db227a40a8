import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

const DOCS_PREFIX = '/api/docs';

/**
 * The OpenAPI 3 document, generated from the routes' TypeBox schemas as they register
 * (so it cannot drift from what the routes validate), at /api/docs/json, and a browsable
 * page at /api/docs. Registered on the root instance before the routes (and the auth hook), which it must see.
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'SIEM API', description: 'Search, aggregations, export, saved searches, rules and alerts. Errors are {error: {code, message, details}}; codes in docs/errors.md.', version: '1' },
    },
  });
  // The swagger plugins declare no permission on their routes: the document and its page are
  // public, as the API's source is. They describe routes, never data, and a browser could not
  // send a key with the page's scripts and styles anyway.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX) && route.config?.permission === undefined) route.config = { ...route.config, permission: 'public' };
  });
  app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: false } });
}
