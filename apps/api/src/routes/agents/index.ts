import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiKeys } from '@siem/auth';
import { EdgeConfigError, parseEdgeConfig } from '@siem/edge';
import { ALL_AGENTS, agentHealth, configFor, silentSeconds, type AgentRegistry, type HealthPolicy, type SenderStore } from '@siem/fleet';
import { callerTenant } from '../../caller-tenant';
import { ApiError, ApiErrorCodes } from '../../errors';
import { ErrorResponse } from '../search/schema';
import { senderRoutes } from '../senders';

export interface AgentRoutesOptions {
  readonly registry: AgentRegistry;
  readonly policy: HealthPolicy;
  readonly now?: () => number;
  /** Creates each enrolling agent's own key; without it POST /agents/enrol is not served. */
  readonly keys?: Pick<ApiKeys, 'create'>;
  /** The sender registry; without it the API serves no /senders routes. */
  readonly senders?: SenderStore;
}

const AgentId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' });
const ConfigTarget = Type.Object({ target: Type.Union([AgentId, Type.Literal('*')]) });
const ConfigBody = Type.Object(
  { version: Type.String({ minLength: 1, maxLength: 128 }), edge: Type.Object({}, { additionalProperties: true, description: 'Edge pipelines: { summaryIntervalS?, inputs: { <input>: { parser?, stages: [...] } } } (README "Edge and fleet").' }) },
  { additionalProperties: false },
);
const AgentConfigAnswer = Type.Object({ target: Type.String(), tenant: Type.String(), version: Type.String(), edge: Type.Object({}, { additionalProperties: true }), updatedAt: Type.String() });

const Agent = Type.Object(
  {
    id: Type.String(),
    role: Type.String(),
    version: Type.String(),
    host: Type.String(),
    tenant: Type.String(),
    inputs: Type.Array(Type.String()),
    spool: Type.Object({ bytes: Type.Number(), maxBytes: Type.Number(), records: Type.Number() }),
    lagSeconds: Type.Number(),
    lastError: Type.Optional(Type.String()),
    configVersion: Type.String(),
    intervalS: Type.Integer(),
    startedAt: Type.String(),
    firstSeen: Type.String(),
    lastSeen: Type.String(),
    silentSeconds: Type.Number(),
    health: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('missing')]),
  },
  { description: 'A collector or agent as its last heartbeat described it; missing: silent for more than SIEM_AGENT_MISSING_INTERVALS of its intervals.' },
);

/**
 * The fleet: every collector and agent of the caller's tenant that has sent a heartbeat; the
 * configuration handed to them (agents:write to set, the agent's own ingest key to fetch); and
 * enrolment, which trades an ingest key for the agent's own, revocable at /api/v1/keys.
 */
export const agentRoutes: FastifyPluginAsync<AgentRoutesOptions> = async (app, { registry, policy, now = Date.now, keys, senders }) => {
  if (senders) await app.register(senderRoutes, { senders, now });
  const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
  const noConfig = (target: string) => new ApiError(ApiErrorCodes.notFound, `No configuration is set for ${target}; set one with PUT /api/v1/agents/config/${target} (or /config/* for every agent).`, 404);

  app.put<{ Params: { target: string }; Body: { version: string; edge: Record<string, unknown> } }>(
    '/agents/config/:target',
    { config: { permission: 'agents:write' }, schema: { summary: 'Set the configuration of one agent, or of every agent (*)', params: ConfigTarget, body: ConfigBody, response: { 200: AgentConfigAnswer, ...errors } } },
    async (request) => {
      const { version, edge } = request.body;
      try {
        parseEdgeConfig({ ...edge, version });
      } catch (error) {
        if (error instanceof EdgeConfigError) throw new ApiError(ApiErrorCodes.badRequest, error.message, 400, { retryable: false, details: { configCode: error.code } });
        throw error;
      }
      const config = { target: request.params.target, tenant: callerTenant(request), version, edge, updatedAt: new Date(now()).toISOString() };
      await registry.setConfig(config);
      return config;
    },
  );

  app.get<{ Params: { target: string } }>(
    '/agents/config/:target',
    { config: { permission: 'agents:read' }, schema: { summary: 'The configuration set for one agent, or for every agent (*)', params: ConfigTarget, response: { 200: AgentConfigAnswer, ...errors } } },
    async (request) => (await registry.getConfig(callerTenant(request), request.params.target)) ?? Promise.reject(noConfig(request.params.target)),
  );

  app.get<{ Params: { id: string } }>(
    '/agents/:id/config',
    { config: { permission: 'ingest:write' }, schema: { summary: 'What an agent fetches with its own key: its configuration, else the one for every agent', params: Type.Object({ id: AgentId }), response: { 200: AgentConfigAnswer, ...errors } } },
    async (request) => (await configFor(registry, callerTenant(request), request.params.id)) ?? Promise.reject(noConfig(ALL_AGENTS)),
  );

  if (keys) {
    app.post<{ Body: { id: string } }>(
      '/agents/enrol',
      {
        config: { permission: 'ingest:write' },
        schema: { summary: 'Enrol an agent: answers its own ingest key (shown once), revocable at /api/v1/keys', body: Type.Object({ id: AgentId }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String(), keyId: Type.String(), key: Type.String() }), ...errors } },
      },
      async (request, reply) => {
        const created = await keys.create({ name: `agent ${request.body.id}`, role: 'ingest', tenant: callerTenant(request) });
        return reply.code(201).send({ id: request.body.id, keyId: created.record.id, key: created.key });
      },
    );
  }

  app.get(
    '/agents',
    {
      config: { permission: 'agents:read' },
      schema: { summary: 'Collectors and agents with last-seen time and health', response: { 200: Type.Object({ agents: Type.Array(Agent) }), '4xx': ErrorResponse, '5xx': ErrorResponse } },
    },
    async (request) => {
      const tenant = callerTenant(request);
      const at = now();
      const agents = (await registry.list(tenant))
        // The response schema leaves out what is bookkeeping (alertedFor, the agent's own clock in sentAt).
        .map((agent) => ({ ...agent, silentSeconds: Math.round(silentSeconds(agent, at)), health: agentHealth(agent, at, policy) }));
      return { agents };
    },
  );
};
