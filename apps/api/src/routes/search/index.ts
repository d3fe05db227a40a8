import type { FastifyPluginAsync } from 'fastify';
import { QueryError, parseQuery } from '@siem/query';
import type { EventStore } from '@siem/store';
import { CountQuerystring, CountResponse, ErrorResponse, SearchQuerystring, SearchResponse } from './schema';

export interface SearchRoutesOptions {
  readonly store: EventStore;
}

export const searchRoutes: FastifyPluginAsync<SearchRoutesOptions> = async (app, { store }) => {
  app.get<{ Querystring: SearchQuerystring }>(
    '/search',
    { schema: { querystring: SearchQuerystring, response: { 200: SearchResponse, 400: ErrorResponse } } },
    async (request, reply) => {
      const { q, from, to, size } = request.query;
      const bad = badRequest(from, to);
      if (bad) return reply.code(400).send(bad);
      try {
        return await store.search({ query: parseQuery(q), from, to, size });
      } catch (error) {
        if (error instanceof QueryError) return reply.code(400).send(queryErrorBody(error));
        throw error;
      }
    },
  );

  app.get<{ Querystring: CountQuerystring }>(
    '/count',
    { schema: { querystring: CountQuerystring, response: { 200: CountResponse, 400: ErrorResponse } } },
    async (request, reply) => {
      const { q, from, to } = request.query;
      const bad = badRequest(from, to);
      if (bad) return reply.code(400).send(bad);
      try {
        return { count: await store.count({ query: parseQuery(q), from, to }) };
      } catch (error) {
        if (error instanceof QueryError) return reply.code(400).send(queryErrorBody(error));
        throw error;
      }
    },
  );
};

function badRequest(from: string | undefined, to: string | undefined) {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    return { error: { code: 'SIEM_API_BAD_RANGE', message: `"from" (${from}) is after "to" (${to}); swap them.` } };
  }
  return undefined;
}

function queryErrorBody(error: QueryError) {
  return { error: { code: error.code, message: error.message, position: error.position } };
}
