import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { QueryError, parseQuery } from '@siem/query';
import type { DetectionStore } from '@siem/store';
import { callerTenant } from '../../caller-tenant';
import { answerStoreError } from '../rules';
import { AlertIdParams } from './params';
import { registerAlertWork } from './work';

export interface AlertRoutesOptions {
  readonly detection: DetectionStore;
  /** The stored event with this id and @timestamp, null when there is none. */
  readonly eventById: (id: string, tenant: string, timestamp: string) => Promise<Record<string, unknown> | null>;
}

const AlertListQuerystring = Type.Object(
  {
    q: Type.String({ maxLength: 4096, default: '', description: 'Query language over the alert fields (host.name:web-1, threat.technique.id:T1059.001, free text on the rule title).' }),
    rule: Type.Optional(Type.String({ maxLength: 128, description: 'Alerts of this rule id.' })),
    level: Type.Optional(Type.String({ maxLength: 32, description: 'Alerts of rules of this level.' })),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')])),
    from: Type.Optional(Type.String({ format: 'date-time', description: "Earliest event @timestamp, ISO 8601." })),
    to: Type.Optional(Type.String({ format: 'date-time', description: "Latest event @timestamp, ISO 8601." })),
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Alerts to return, newest detection first.' }),
  },
  { additionalProperties: false },
);
type AlertListQuerystring = Static<typeof AlertListQuerystring>;


/** /api/v1/alerts: what the processor's rules raised, searchable with the query language, and the analyst's work on it. */
export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, { detection, eventById }) => {
  app.setErrorHandler(answerStoreError);
  app.get<{ Querystring: AlertListQuerystring }>('/alerts', { config: { permission: 'alerts:read' }, schema: { querystring: AlertListQuerystring } }, async (request, reply) => {
    const { q, rule, level, status, from, to, size } = request.query;
    if (from && to && Date.parse(from) > Date.parse(to)) {
      return reply.code(400).send({ error: { code: 'SIEM_API_BAD_RANGE', message: `"from" (${from}) is after "to" (${to}); swap them.` } });
    }
    let query;
    try {
      query = q === '' ? undefined : parseQuery(q);
    } catch (failure) {
      if (failure instanceof QueryError) return reply.code(400).send({ error: { code: failure.code, message: failure.message } });
      throw failure;
    }
    return detection.searchAlerts({ query, ruleId: rule, level, status, from, to, size });
  });

  app.get<{ Params: AlertIdParams }>('/alerts/:id', { config: { permission: 'alerts:read' }, schema: { params: AlertIdParams } }, async (request, reply) => {
    const stored = await detection.getAlert(request.params.id);
    if (!stored) {
      return reply.code(404).send({ error: { code: 'SIEM_API_ALERT_NOT_FOUND', message: `No alert has the id ${request.params.id}; list them with GET /api/v1/alerts.` } });
    }
    const event = await eventById(stored.alert.event.id, callerTenant(request), stored.alert['@timestamp']);
    return { id: stored.id, alert: stored.alert, event };
  });

  registerAlertWork(app, detection);
};
