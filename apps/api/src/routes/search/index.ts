import type { FastifyPluginAsync } from 'fastify';
import { callerTenant } from '../../caller-tenant';
import { ApiError, ApiErrorCodes } from '../../errors';
import type { EventReader } from '../../event-reader';
import { CountQuerystring, CountResponse, ErrorResponse, SearchQuerystring, SearchResponse } from './schema';

export interface SearchRoutesOptions {
  readonly reader: EventReader;
}

export const searchRoutes: FastifyPluginAsync<SearchRoutesOptions> = async (app, { reader }) => {
  app.get<{ Querystring: SearchQuerystring }>(
    '/search',
    { config: { permission: 'events:read' }, schema: { querystring: SearchQuerystring, response: { 200: SearchResponse, '4xx': ErrorResponse, '5xx': ErrorResponse } } },
    async (request, reply) => {
      const { q, from, to, size } = request.query;
      checkRange(from, to);
      // The reader hands back the JSON it measured against the result cap: sent as is, not parsed and serialised again.
      return reply.type('application/json; charset=utf-8').send(await reader.search({ q, from, to, size, tenant: callerTenant(request) }));
    },
  );

  app.get<{ Querystring: CountQuerystring }>(
    '/count',
    { config: { permission: 'events:read' }, schema: { querystring: CountQuerystring, response: { 200: CountResponse, '4xx': ErrorResponse, '5xx': ErrorResponse } } },
    async (request) => {
      const { q, from, to } = request.query;
      checkRange(from, to);
      return { count: await reader.count({ q, from, to, tenant: callerTenant(request) }) };
    },
  );
};

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw new ApiError(ApiErrorCodes.badRange, `"from" (${from}) is after "to" (${to}); swap them.`, 400);
  }
}
