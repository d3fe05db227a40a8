import type { FastifyPluginAsync } from 'fastify';
import { QueryError, parseQuery } from '@siem/query';
import type { EventStore } from '@siem/store';
import { ErrorResponse, SearchQuerystring, SearchResponse } from './schema';

export interface SearchRoutesOptions {
  readonly store: EventStore;
}

export const searchRoutes: FastifyPluginAsync<SearchRoutesOptions> = async (app, { store }) => {
  app.get<{ Querystring: SearchQuerystring }>(
    '/search',
    { schema: { querystring: SearchQuerystring, response: { 200: SearchResponse, 400: ErrorResponse } } },
    async (request, reply) => {
      const { q, from, to, size } = request.query;
      if (from && to && Date.parse(from) > Date.parse(to)) {
        return reply.code(400).send({ error: { code: 'SIEM_API_BAD_RANGE', message: `"from" (${from}) is after "to" (${to}); swap them.` } });
      }
      try {
        return await store.search({ query: parseQuery(q), from, to, size });
      } catch (error) {
        if (error instanceof QueryError) {
          return reply.code(400).send({ error: { code: error.code, message: error.message, position: error.position } });
        }
        throw error;
      }
    },
  );
};
