import type { FastifyPluginAsync } from 'fastify';
import { QueryError, parseQuery } from '@siem/query';
import type { SavedSearchStore } from '@siem/store';
import { ApiError, ApiErrorCodes } from '../../errors';
import { ErrorResponse } from '../search/schema';
import { SavedSearch, SavedSearchInput, SavedSearchList, SavedSearchParams } from './schema';

export interface SavedSearchRoutesOptions {
  readonly savedSearches: SavedSearchStore;
}

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** Saved searches CRUD under /saved-searches; a query is checked when saved, so a saved search always runs. */
export const savedSearchRoutes: FastifyPluginAsync<SavedSearchRoutesOptions> = async (app, { savedSearches }) => {
  const notFound = (id: string) => new ApiError(ApiErrorCodes.savedSearchNotFound, `No saved search has the id "${id}"; list them with GET /api/v1/saved-searches.`, 404);

  app.get('/saved-searches', { config: { permission: 'events:read' }, schema: { summary: 'Every saved search, by name', response: { 200: SavedSearchList, ...errors } } }, async () => ({ savedSearches: await savedSearches.list() }));

  app.post<{ Body: SavedSearchInput }>(
    '/saved-searches',
    { config: { permission: 'searches:write' }, schema: { summary: 'Save a search', body: SavedSearchInput, response: { 201: SavedSearch, ...errors } } },
    async (request, reply) => {
      checkQuery(request.body.q);
      return reply.code(201).send(await savedSearches.create(request.body));
    },
  );

  app.get<{ Params: SavedSearchParams }>(
    '/saved-searches/:id',
    { config: { permission: 'events:read' }, schema: { summary: 'One saved search', params: SavedSearchParams, response: { 200: SavedSearch, ...errors } } },
    async (request) => (await savedSearches.get(request.params.id)) ?? Promise.reject(notFound(request.params.id)),
  );

  app.put<{ Params: SavedSearchParams; Body: SavedSearchInput }>(
    '/saved-searches/:id',
    { config: { permission: 'searches:write' }, schema: { summary: 'Replace a saved search', params: SavedSearchParams, body: SavedSearchInput, response: { 200: SavedSearch, ...errors } } },
    async (request) => {
      checkQuery(request.body.q);
      return (await savedSearches.update(request.params.id, request.body)) ?? Promise.reject(notFound(request.params.id));
    },
  );

  app.delete<{ Params: SavedSearchParams }>(
    '/saved-searches/:id',
    { config: { permission: 'searches:write' }, schema: { summary: 'Delete a saved search', params: SavedSearchParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      if (!(await savedSearches.delete(request.params.id))) throw notFound(request.params.id);
      return reply.code(204).send();
    },
  );
};

/** A query that does not parse is refused when saved, with the parser's message and position (queries are at most 4096 characters, which the parser reads in bounded time). */
function checkQuery(q: string): void {
  try {
    parseQuery(q);
  } catch (error) {
    if (error instanceof QueryError) throw new ApiError(ApiErrorCodes.badRequest, `The query does not parse: ${error.message}`, 400, { retryable: false, details: { queryCode: error.code, position: error.position } });
    throw error;
  }
}
