/**
 * The configuration the centre hands to enrolled collectors and agents: for
 * now their edge pipelines (the libs/edge document), under a version that the
 * agent reports in its heartbeats once it runs it. `target` is an agent id, or
 * `*` for every agent without one of its own.
 */
export interface AgentConfig {
  readonly target: string;
  readonly tenant: string;
  readonly version: string;
  /** The edge pipeline document (libs/edge EdgePipelinesSchema). */
  readonly edge: unknown;
  readonly updatedAt: string;
}

export const ALL_AGENTS = '*';

export interface AgentConfigStore {
  getConfig(tenant: string, target: string): Promise<AgentConfig | undefined>;
  setConfig(config: AgentConfig): Promise<void>;
}

/** The configuration an agent runs: its own, else its tenant's `*`. */
export async function configFor(store: AgentConfigStore, tenant: string, agentId: string): Promise<AgentConfig | undefined> {
  return (await store.getConfig(tenant, agentId)) ?? (await store.getConfig(tenant, ALL_AGENTS));
}
