import { afterAll, describe, inject } from 'vitest';
import type { AgentRecord } from './agent-health';
import { agentRegistryConformance } from './agent-registry-conformance';
import { OpenSearchAgentRegistry } from './opensearch-agent-registry';

const url = inject('opensearchUrl');
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await fetch(`${url}/${prefix}*?expand_wildcards=all`, { method: 'DELETE' });
});

/** Writes `legacy` as the earlier layout did: one document per agent id alone, in the index the registry will use. */
async function writeLegacy(registry: OpenSearchAgentRegistry, legacy: readonly AgentRecord[]): Promise<void> {
  await registry.ensureReady();
  for (const agent of legacy) {
    const response = await fetch(`${url}/${registry.index}/_doc/${encodeURIComponent(agent.id)}?refresh=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(agent) });
    if (!response.ok) throw new Error(`Writing a legacy agent failed with HTTP ${response.status}.`);
  }
}

describe('OpenSearchAgentRegistry', () => {
  agentRegistryConformance(async (legacy) => {
    const prefix = `siem-test-agents-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    prefixes.push(prefix);
    if (legacy) await writeLegacy(new OpenSearchAgentRegistry(url, `${prefix}-`), legacy);
    const registry = new OpenSearchAgentRegistry(url, `${prefix}-`);
    await registry.ensureReady();
    return registry;
  });
});
