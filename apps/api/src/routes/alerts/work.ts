import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '@siem/auth';
import { QueryError, parseQuery } from '@siem/query';
import { AlertLifecycleError, AlertLifecycleErrorCodes, applyAlertUpdate, type AlertUpdate, type DetectionStore, type StoredAlert } from '@siem/store';
import { AlertIdParams } from './params';
import { AlertUpdateBody, BulkUpdateBody, BulkUpdateReply, CommentBody, CommentReply, ErrorReply, StoredAlertReply } from './schema';

/** Who changes an alert: the caller's principal (set by the auth hook). */
function actorName(request: FastifyRequest): string {
  return request.principal?.name ?? 'anonymous';
}

function lifecycleStatus(error: AlertLifecycleError): number {
  return error.code === AlertLifecycleErrorCodes.invalidTransition || error.code === AlertLifecycleErrorCodes.tooManyComments ? 409 : 400;
}

function send(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function notFound(reply: FastifyReply, id: string) {
  return send(reply, 404, 'SIEM_API_ALERT_NOT_FOUND', `No alert has the id ${id}; list them with GET /api/v1/alerts.`);
}

/**
 * Changes one alert; a lifecycle refusal is returned, not thrown out of the store's
 * read-modify-write, so the store is left as it was.
 */
async function updateOne(detection: DetectionStore, id: string, update: AlertUpdate, request: FastifyRequest, commentId?: string) {
  let refusal: AlertLifecycleError | undefined;
  const at = new Date().toISOString();
  const [result] = await detection.modifyAlerts([id], (current: StoredAlert) => {
    try {
      refusal = undefined;
      return applyAlertUpdate(current.alert, update, { by: actorName(request), at, ...(commentId ? { commentId } : {}) });
    } catch (error) {
      if (!(error instanceof AlertLifecycleError)) throw error;
      refusal = error;
      return undefined;
    }
  });
  return { result: result!, refusal };
}

const errors = { 400: ErrorReply, 404: ErrorReply, 409: ErrorReply };

/** The analyst's work on alerts: status, assignee, comments, one at a time or in bulk. */
export function registerAlertWork(app: FastifyInstance, detection: DetectionStore): void {
  app.patch<{ Params: AlertIdParams; Body: AlertUpdateBody }>(
    '/alerts/:id',
    {
      config: { permission: 'alerts:write' },
      schema: { summary: 'Change an alert: status (open, acknowledged, closed with a reason), assignee, a comment', params: AlertIdParams, body: AlertUpdateBody, response: { 200: StoredAlertReply, ...errors } },
    },
    async (request, reply) => {
      const { result, refusal } = await updateOne(detection, request.params.id, request.body, request);
      if (refusal) return send(reply, lifecycleStatus(refusal), refusal.code, refusal.message);
      if (result.outcome === 'not_found') return notFound(reply, request.params.id);
      return result.alert;
    },
  );

  app.post<{ Params: AlertIdParams; Body: CommentBody }>(
    '/alerts/:id/comments',
    { config: { permission: 'alerts:write' }, schema: { summary: 'Comment on an alert', params: AlertIdParams, body: CommentBody, response: { 201: CommentReply, ...errors } } },
    async (request, reply) => {
      const commentId = randomUUID();
      const { result, refusal } = await updateOne(detection, request.params.id, { comment: request.body.text }, request, commentId);
      if (refusal) return send(reply, lifecycleStatus(refusal), refusal.code, refusal.message);
      if (result.outcome === 'not_found') return notFound(reply, request.params.id);
      const comment = result.alert!.alert.alert.comments!.find((candidate) => candidate.id === commentId);
      return reply.code(201).send({ comment, alert: result.alert });
    },
  );

  app.post<{ Body: BulkUpdateBody }>(
    '/alerts/_bulk_update',
    {
      config: { permission: 'alerts:write' },
      schema: {
        summary: 'Change many alerts at once, named by ids or selected by a query (at most 1000 per request)',
        body: BulkUpdateBody,
        response: { 200: BulkUpdateReply, 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const { ids, q, status, limit, update } = request.body;
      if ((ids === undefined) === (q === undefined)) return send(reply, 400, 'SIEM_API_BAD_REQUEST', 'Give either "ids" (alert ids) or "q" (a query over the alerts), not both.');
      let selected: readonly string[];
      let remaining = 0;
      if (ids) selected = ids;
      else {
        let query;
        try {
          query = parseQuery(q!);
        } catch (failure) {
          if (failure instanceof QueryError) return send(reply, 400, failure.code, failure.message);
          throw failure;
        }
        const found = await detection.searchAlerts({ query, ...(status ? { status } : {}), size: limit });
        selected = found.alerts.map((alert) => alert.id);
        remaining = found.total - selected.length;
      }
      const at = new Date().toISOString();
      const refusals = new Map<string, AlertLifecycleError>();
      const results = await detection.modifyAlerts(selected, (current) => {
        try {
          refusals.delete(current.id);
          return applyAlertUpdate(current.alert, update, { by: actorName(request), at, commentId: randomUUID() });
        } catch (error) {
          if (!(error instanceof AlertLifecycleError)) throw error;
          refusals.set(current.id, error);
          return undefined;
        }
      });
      const pick = (outcome: string) => results.filter((result) => result.outcome === outcome && !refusals.has(result.id)).map((result) => result.id);
      return {
        matched: selected.length,
        remaining,
        updated: pick('updated'),
        unchanged: pick('unchanged'),
        not_found: pick('not_found'),
        refused: [...refusals].map(([id, error]) => ({ id, code: error.code, message: error.message })),
      };
    },
  );
}
