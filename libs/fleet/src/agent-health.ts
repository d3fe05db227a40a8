import type { Heartbeat } from './heartbeat';

/** An agent as the centre knows it: its last heartbeat and when heartbeats arrived. */
export interface AgentRecord extends Heartbeat {
  /** When the centre received the first heartbeat of this id. */
  readonly firstSeen: string;
  /** When the centre received the last one: the clock that matters, not the agent's. */
  readonly lastSeen: string;
  /** The `lastSeen` of the silence a missing-heartbeat alert was raised for, so one silence raises one alert. */
  readonly alertedFor?: string;
}

export type AgentHealth = 'healthy' | 'degraded' | 'missing';

export interface HealthPolicy {
  /** Silent for more than this many of its own intervals: missing. */
  readonly missingAfterIntervals: number;
}

/** A spool fuller than this share of its bound (or any last error) is degraded: the link or the bus is struggling. */
const DEGRADED_SPOOL_SHARE = 0.8;

export function silentSeconds(agent: AgentRecord, now: number): number {
  return Math.max(0, (now - Date.parse(agent.lastSeen)) / 1000);
}

export function agentHealth(agent: AgentRecord, now: number, policy: HealthPolicy): AgentHealth {
  if (silentSeconds(agent, now) > agent.intervalS * policy.missingAfterIntervals) return 'missing';
  if (agent.lastError !== undefined) return 'degraded';
  if (agent.spool.maxBytes > 0 && agent.spool.bytes / agent.spool.maxBytes > DEGRADED_SPOOL_SHARE) return 'degraded';
  return 'healthy';
}
