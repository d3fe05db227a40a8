import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { intervalMs, type Aggregation } from '@siem/store';
import { callerTenant } from '../../caller-tenant';
import { ApiError, ApiErrorCodes } from '../../errors';
import type { EventReader } from '../../event-reader';
import { ErrorResponse } from '../search/schema';
import { MAX_HISTOGRAM_BUCKETS, autoInterval } from './auto-interval';
import { withDeadline } from './export-deadline';
import { exportRows, exportStream } from './export-rows';
import { AggregateBody, AggregateResponse, EventParams, EventResponse, ExportBody, FieldsQuerystring, FieldsResponse, SearchBody, SearchPageResponse } from './schema';

export interface AnalystRoutesOptions {
  readonly reader: EventReader;
  /** An export streaming longer ends with an error line (SIEM_API_EXPORT_MAX_SECONDS). */
  readonly exportMaxSeconds?: number;
}

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

/** POST /search (paging, sort, fields), GET /events/{id}, POST /export and POST /aggregate: the reads an analyst's tools build on. */
export const analystRoutes: FastifyPluginAsync<AnalystRoutesOptions> = async (app, { reader, exportMaxSeconds = 600 }) => {
  app.post<{ Body: SearchBody }>(
    '/search',
    { config: { permission: 'events:read' }, schema: { summary: 'Search with sort, chosen fields and search_after paging', body: SearchBody, response: { 200: SearchPageResponse, ...errors } } },
    async (request, reply) => {
      const { q, from, to, size, sort, fields, searchAfter } = request.body;
      checkRange(from, to);
      return reply.type('application/json; charset=utf-8').send(await reader.page({ q, from, to, size, sort, fields, searchAfter, tenant: callerTenant(request) }));
    },
  );

  app.get<{ Params: EventParams }>(
    '/events/:id',
    { config: { permission: 'events:read' }, schema: { summary: 'One event by its id', params: EventParams, response: { 200: EventResponse, ...errors } } },
    async (request, reply) => {
      // Another tenant's event is answered as no event at all: 404, not 403, so ids reveal nothing.
      const json = await reader.getEvent(request.params.id, callerTenant(request));
      if (json === null) throw new ApiError(ApiErrorCodes.eventNotFound, `No event has the id "${request.params.id}"; ids are those of search hits.`, 404);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.get<{ Querystring: FieldsQuerystring }>(
    '/fields',
    {
      config: { permission: 'events:read' },
      schema: { summary: "The fields of the caller's events in the range: type, events having it, first and last hour, most common values", querystring: FieldsQuerystring, response: { 200: FieldsResponse, ...errors } },
    },
    async (request, reply) => {
      const { from, to, values } = request.query;
      checkRange(from, to);
      return reply.type('application/json; charset=utf-8').send(await reader.fields({ from, to, sampleValues: values, tenant: callerTenant(request) }));
    },
  );

  app.post<{ Body: ExportBody }>(
    '/export',
    {
      config: { permission: 'events:read' },
      schema: {
        summary: 'Stream every matching event as NDJSON or CSV',
        body: ExportBody,
        response: { 200: { description: 'The events, streamed page by page as the client reads.', content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } } }, ...errors },
      },
    },
    async (request, reply) => {
      const { from, to, format } = request.body;
      checkRange(from, to);
      const deadline = { maxMs: exportMaxSeconds * 1000, format, onExceeded: (chunks: number) => request.log.warn({ url: request.url, maxSeconds: exportMaxSeconds, chunks }, 'An export was cut at SIEM_API_EXPORT_MAX_SECONDS.') };
      const rows = Readable.from(withDeadline(await exportStream(exportRows(reader, { ...request.body, tenant: callerTenant(request) })), deadline));
      // Headers are gone once rows flow: a failure later can only cut the stream short, and is logged.
      rows.on('error', (error) => request.log.warn({ err: error, url: request.url }, 'An export stopped early: a read failed.'));
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="events.${format === 'csv' ? 'csv' : 'ndjson'}"`)
        .send(rows);
    },
  );

  app.post<{ Body: AggregateBody }>(
    '/aggregate',
    { config: { permission: 'events:read' }, schema: { summary: 'Terms, date histograms, stats, percentiles, cardinality and top hits', body: AggregateBody, response: { 200: AggregateResponse, ...errors } } },
    async (request) => {
      const { q, from, to } = request.body;
      checkRange(from, to);
      const chosen: Record<string, string> = {};
      const aggs = Object.fromEntries(Object.entries(request.body.aggs).map(([name, agg]) => [name, withInterval(name, agg as Aggregation, from, to, chosen)]));
      const result = await reader.aggregate({ q, from, to, aggs, tenant: callerTenant(request) });
      return Object.keys(chosen).length > 0 ? { ...result, interval: chosen } : result;
    },
  );
};

/** Resolves `auto`, and refuses a fixed interval that would cut the range into too many buckets. */
function withInterval(name: string, agg: Aggregation, from: string | undefined, to: string | undefined, chosen: Record<string, string>): Aggregation {
  if (agg.type !== 'date_histogram') return agg;
  const fromMs = from === undefined ? undefined : Date.parse(from);
  const toMs = to === undefined ? Date.now() : Date.parse(to);
  if (agg.interval === 'auto') {
    if (fromMs === undefined) throw new ApiError(ApiErrorCodes.badRequest, `"${name}" has interval auto, which needs "from" to size the buckets; give a time range or a fixed interval (1h).`, 400);
    chosen[name] = autoInterval(fromMs, toMs);
    return { ...agg, interval: chosen[name] };
  }
  if (fromMs !== undefined && (toMs - fromMs) / intervalMs(agg.interval) > MAX_HISTOGRAM_BUCKETS) {
    throw new ApiError(ApiErrorCodes.badRequest, `"${name}" would cut the time range into more than ${MAX_HISTOGRAM_BUCKETS} buckets of ${agg.interval}; use a longer interval or auto.`, 400);
  }
  return agg;
}

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw new ApiError(ApiErrorCodes.badRange, `"from" (${from}) is after "to" (${to}); swap them.`, 400);
  }
}
