import { agentHealth, type AgentRecord, type HealthPolicy } from './agent-health';
import type { AgentRegistry } from './agent-registry';

/**
 * The built-in missing-heartbeat rule: every agent silent for longer than
 * its policy allows raises one alert per silence (the silence is named by the
 * agent's tenant, id and last-seen time, so a restart followed by a new
 * silence raises a new one, and two tenants' agents of one id raise one
 * each). `raise` writes the alert; only after it succeeded is the silence
 * marked, so a failed write is retried on the next check.
 */
export async function raiseMissingAgentAlerts(registry: AgentRegistry, raise: (agent: AgentRecord) => Promise<void>, policy: HealthPolicy, now: number): Promise<AgentRecord[]> {
  const raised: AgentRecord[] = [];
  for (const agent of await registry.listAllTenants()) {
    if (agentHealth(agent, now, policy) !== 'missing' || agent.alertedFor === agent.lastSeen) continue;
    await raise(agent);
    await registry.markAlerted(agent.tenant, agent.id, agent.lastSeen);
    raised.push(agent);
  }
  return raised;
}

/** The alert rule's identity: stable, so users can find, tune (level, interval count) and suppress it. */
export const MISSING_AGENT_RULE = { id: 'builtin-agent-heartbeat-missing', title: 'Agent heartbeat missing', tags: ['siem.fleet'] } as const;

/** The alert document of a silent agent, in the shape of the alert store (libs/store AlertDocument). */
export function missingAgentAlert(agent: AgentRecord, now: number, level: string): { id: string; alert: Record<string, unknown> & { '@timestamp': string; event: Record<string, unknown> & { id: string } } } {
  const detectedAt = new Date(now).toISOString();
  const silent = Math.round((now - Date.parse(agent.lastSeen)) / 1000);
  return {
    id: `agent-missing:${agent.tenant}:${agent.id}:${agent.lastSeen}`,
    alert: {
      '@timestamp': detectedAt,
      message: `${MISSING_AGENT_RULE.title}: ${agent.role} ${agent.id} on ${agent.host} has sent nothing for ${silent} s (expected every ${agent.intervalS} s)`,
      rule: { id: MISSING_AGENT_RULE.id, title: MISSING_AGENT_RULE.title, level, tags: [...MISSING_AGENT_RULE.tags] },
      threat: { technique: { id: [] }, tactic: { name: [] } },
      alert: { status: 'open', detected_at: detectedAt },
      event: { id: `agent:${agent.tenant}:${agent.id}:${agent.lastSeen}`, kind: 'alert', category: ['host'], action: 'agent-heartbeat-missing' },
      observer: { name: agent.id, type: agent.role, hostname: agent.host, version: agent.version },
      host: { name: agent.host },
      organization: { id: agent.tenant },
      labels: { agent_last_seen: agent.lastSeen },
    },
  };
}
