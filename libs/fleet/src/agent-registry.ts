import type { AgentRecord } from './agent-health';
import type { AgentConfigStore } from './agent-config';
import type { Heartbeat } from './heartbeat';

/** Where the centre keeps the last heartbeat of every collector and agent. */
/** Agent states and the configurations handed to them, in one place per deployment. */
export interface AgentRegistry extends AgentConfigStore {
  ensureReady(): Promise<void>;
  /** Saves the heartbeat as the agent's state; keeps its firstSeen and alertedFor. */
  record(heartbeat: Heartbeat, receivedAt: string): Promise<void>;
  list(): Promise<AgentRecord[]>;
  /** Notes that the silence that began after `lastSeen` has raised its alert. */
  markAlerted(id: string, lastSeen: string): Promise<void>;
  close(): Promise<void>;
}

/** The record a new heartbeat makes of what was stored before (if anything). */
export function nextRecord(previous: AgentRecord | undefined, heartbeat: Heartbeat, receivedAt: string): AgentRecord {
  return { ...heartbeat, firstSeen: previous?.firstSeen ?? receivedAt, lastSeen: receivedAt, ...(previous?.alertedFor !== undefined && { alertedFor: previous.alertedFor }) };
}
