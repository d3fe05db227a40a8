import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import '@siem/auth';
import { QueryError, parseQuery } from '@siem/query';
import { ATTACK_TACTICS, suppressionWindowMs } from '@siem/rules';
import { groupIncidents, type DetectionStore } from '@siem/store';
import { answerStoreError } from '../rules';

export interface IncidentRoutesOptions {
  readonly detection: DetectionStore;
}

/** Alerts read to build the incidents of one request; more are left out and `truncated` says so. */
export const MAX_INCIDENT_ALERTS = 10_000;
const DAY_MS = 86_400_000;

const IncidentQuerystring = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Earliest alert @timestamp, ISO 8601; 24 hours before `to` when absent.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Latest alert @timestamp, ISO 8601; now when absent.' })),
    window: Type.String({ pattern: '^[1-9][0-9]{0,5}[smhd]$', default: '1h', description: 'Alerts of one host or user at most this far apart join one incident (30m, 1h, 1d).' }),
    q: Type.Optional(Type.String({ maxLength: 4096, description: 'Only alerts this query selects (the API query language over alert fields).' })),
    min_alerts: Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Only incidents of at least this many alerts.' }),
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Incidents to return, the most recently active first.' }),
  },
  { additionalProperties: false },
);
type IncidentQuerystring = Static<typeof IncidentQuerystring>;

const Incident = Type.Object({
  id: Type.String(),
  first_seen: Type.String(),
  last_seen: Type.String(),
  alert_count: Type.Integer(),
  event_count: Type.Integer(),
  hosts: Type.Array(Type.String()),
  users: Type.Array(Type.String()),
  tactics: Type.Array(Type.String({ description: 'ATT&CK tactics, in kill-chain order.' })),
  techniques: Type.Array(Type.String()),
  rules: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), level: Type.String() })),
  level: Type.String(),
  statuses: Type.Object({ open: Type.Integer(), acknowledged: Type.Integer(), closed: Type.Integer() }),
  alert_ids: Type.Array(Type.String()),
});
const IncidentList = Type.Object({
  total: Type.Integer({ description: 'Incidents found (before size).' }),
  alerts_read: Type.Integer(),
  truncated: Type.Boolean({ description: `More than ${MAX_INCIDENT_ALERTS} alerts matched: only the newest were grouped; narrow the range.` }),
  incidents: Type.Array(Incident),
});
const ErrorReply = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

/** /api/v1/incidents: alerts that share a host or user within a window, grouped when read. */
export const incidentRoutes: FastifyPluginAsync<IncidentRoutesOptions> = async (app, { detection }) => {
  app.setErrorHandler(answerStoreError);
  app.get<{ Querystring: IncidentQuerystring }>(
    '/incidents',
    {
      config: { permission: 'alerts:read' },
      schema: { summary: 'Alerts grouped into incidents by shared host or user within a window, with the ATT&CK tactics they cover', querystring: IncidentQuerystring, response: { 200: IncidentList, 400: ErrorReply } },
    },
    async (request, reply) => {
      const { window, q, min_alerts, size } = request.query;
      const to = request.query.to ?? new Date().toISOString();
      const from = request.query.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
      if (Date.parse(from) > Date.parse(to)) {
        return reply.code(400).send({ error: { code: 'SIEM_API_BAD_RANGE', message: `"from" (${from}) is after "to" (${to}); swap them.` } });
      }
      let query;
      try {
        query = q ? parseQuery(q) : undefined;
      } catch (failure) {
        if (failure instanceof QueryError) return reply.code(400).send({ error: { code: failure.code, message: failure.message } });
        throw failure;
      }
      const found = await detection.searchAlerts({ query, from, to, size: MAX_INCIDENT_ALERTS });
      const incidents = groupIncidents(found.alerts, { windowMs: suppressionWindowMs(window), tacticOrder: ATTACK_TACTICS }).filter((incident) => incident.alert_count >= min_alerts);
      return { total: incidents.length, alerts_read: found.alerts.length, truncated: found.total > found.alerts.length, incidents: incidents.slice(0, size) };
    },
  );
};
