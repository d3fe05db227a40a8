import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { agentHealth, silentSeconds, type AgentRegistry, type HealthPolicy } from '@siem/fleet';
import { callerTenant } from '../../caller-tenant';
import { ErrorResponse } from '../search/schema';

export interface AgentRoutesOptions {
  readonly registry: AgentRegistry;
  readonly policy: HealthPolicy;
  readonly now?: () => number;
}

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

/** The fleet: every collector and agent of the caller's tenant that has sent a heartbeat. */
export const agentRoutes: FastifyPluginAsync<AgentRoutesOptions> = async (app, { registry, policy, now = Date.now }) => {
  app.get(
    '/agents',
    {
      config: { permission: 'agents:read' },
      schema: { summary: 'Collectors and agents with last-seen time and health', response: { 200: Type.Object({ agents: Type.Array(Agent) }), '4xx': ErrorResponse, '5xx': ErrorResponse } },
    },
    async (request) => {
      const tenant = callerTenant(request);
      const at = now();
      const agents = (await registry.list())
        .filter((agent) => agent.tenant === tenant)
        // The response schema leaves out what is bookkeeping (alertedFor, the agent's own clock in sentAt).
        .map((agent) => ({ ...agent, silentSeconds: Math.round(silentSeconds(agent, at)), health: agentHealth(agent, at, policy) }));
      return { agents };
    },
  );
};
