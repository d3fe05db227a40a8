import type { AgentRecord } from './agent-health';
import type { AgentConfigStore } from './agent-config';
import type { Heartbeat } from './heartbeat';

/**
 * Where the centre keeps the last heartbeat of every collector and agent, and the
 * configurations handed to them. An agent is named by its tenant and its id together:
 * `edge-1` of one tenant and `edge-1` of another are two agents, and nothing read or
 * written under one tenant reaches the other's.
 */
export interface AgentRegistry extends AgentConfigStore {
  ensureReady(): Promise<void>;
  /** Saves the heartbeat as the state of agent (heartbeat.tenant, heartbeat.id); keeps its firstSeen and alertedFor. */
  record(heartbeat: Heartbeat, receivedAt: string): Promise<void>;
  /** The agents of one tenant, by id. */
  list(tenant: string): Promise<AgentRecord[]>;
  /** The agents of every tenant, by tenant then id: for the missing-heartbeat check, which watches them all. */
  listAllTenants(): Promise<AgentRecord[]>;
  /** Notes that the silence of agent (tenant, id) that began after `lastSeen` has raised its alert. */
  markAlerted(tenant: string, id: string, lastSeen: string): Promise<void>;
  close(): Promise<void>;
}

/** The record a new heartbeat makes of what was stored before (if anything). */
export function nextRecord(previous: AgentRecord | undefined, heartbeat: Heartbeat, receivedAt: string): AgentRecord {
  return { ...heartbeat, firstSeen: previous?.firstSeen ?? receivedAt, lastSeen: receivedAt, ...(previous?.alertedFor !== undefined && { alertedFor: previous.alertedFor }) };
}
