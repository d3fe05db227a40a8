import type { AgentConfig } from './agent-config';
import type { AgentRecord } from './agent-health';
import { nextRecord, type AgentRegistry } from './agent-registry';
import type { Heartbeat } from './heartbeat';

/** `siem-agents` beside `siem-events-*`, or `<prefix>.agents` for another prefix (as saved searches are named). */
export function agentIndexName(eventPrefix: string): string {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return `${base}agents`;
}

/** At most this many agents are listed; a fleet larger than this needs paging, which the API does not offer yet. */
const MAX_AGENTS = 10_000;

/** An agent's document id: its tenant and id, so two tenants' agents of one id are two documents. */
function agentDocumentId(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}

/**
 * The agents of a cluster deployment in one OpenSearch index, one document per tenant and
 * agent id; writes wait for the refresh. Documents of the earlier layout (id = agent id
 * alone) are moved to their tenant's id by `ensureReady`.
 */
export class OpenSearchAgentRegistry implements AgentRegistry {
  readonly index: string;
  readonly configIndex: string;

  constructor(
    private readonly url: string,
    indexPrefix: string,
  ) {
    this.index = agentIndexName(indexPrefix);
    this.configIndex = `${this.index}-configs`;
  }

  async ensureReady(): Promise<void> {
    await this.ensureIndex(this.index);
    await this.ensureIndex(this.configIndex);
    await this.migrateUntenantedIds();
  }

  /**
   * Moves each document stored under its agent id alone to agentDocumentId(tenant, id), in one
   * bulk request: a create (a 409 means a heartbeat since the upgrade wrote the newer state
   * there already) and a delete of the old document. Safe when several API processes run it.
   */
  private async migrateUntenantedIds(): Promise<void> {
    const response = await this.request('POST', `/${this.index}/_search`, { size: MAX_AGENTS, query: { match_all: {} } });
    const hits = ((await response.json()) as { hits: { hits: { _id: string; _source: AgentRecord }[] } }).hits.hits;
    const legacy = hits.filter((hit) => hit._id !== agentDocumentId(hit._source.tenant, hit._source.id));
    if (legacy.length === 0) return;
    const lines = legacy.flatMap((hit) => [
      JSON.stringify({ create: { _index: this.index, _id: agentDocumentId(hit._source.tenant, hit._source.id) } }),
      JSON.stringify(hit._source),
      JSON.stringify({ delete: { _index: this.index, _id: hit._id } }),
    ]);
    const bulk = await fetch(`${this.url}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
    if (!bulk.ok) throw new Error(`Moving ${legacy.length} agents of ${this.index} to tenant-keyed ids failed with HTTP ${bulk.status}: ${(await bulk.text()).slice(0, 300)}`);
    const items = ((await bulk.json()) as { items: Record<string, { status: number; error?: { reason?: string } }>[] }).items.map((item) => Object.entries(item)[0]!);
    const failed = items.find(([action, result]) => result.status >= 300 && !(action === 'create' && result.status === 409) && !(action === 'delete' && result.status === 404));
    if (failed) throw new Error(`Moving the agents of ${this.index} to tenant-keyed ids failed: ${failed[0]} answered ${failed[1].status} (${failed[1].error?.reason ?? 'no reason given'}).`);
  }

  private async ensureIndex(index: string): Promise<void> {
    const exists = await fetch(`${this.url}/${index}`, { method: 'HEAD' });
    if (exists.ok) return;
    const created = await fetch(`${this.url}/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { dynamic: false, properties: { id: { type: 'keyword' }, tenant: { type: 'keyword' }, lastSeen: { type: 'date' } } } }),
    });
    // Another API instance may have created it in between.
    if (!created.ok && !(await created.text()).includes('resource_already_exists_exception')) throw new Error(`Creating the agents index ${index} failed with HTTP ${created.status}.`);
  }

  async getConfig(tenant: string, target: string): Promise<AgentConfig | undefined> {
    const response = await fetch(`${this.url}/${this.configIndex}/_doc/${encodeURIComponent(agentDocumentId(tenant, target))}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Reading the configuration of ${target} from ${this.configIndex} failed with HTTP ${response.status}.`);
    return ((await response.json()) as { _source: AgentConfig })._source;
  }

  async setConfig(config: AgentConfig): Promise<void> {
    await this.request('PUT', `/${this.configIndex}/_doc/${encodeURIComponent(agentDocumentId(config.tenant, config.target))}?refresh=true`, config);
  }

  async record(heartbeat: Heartbeat, receivedAt: string): Promise<void> {
    const previous = await this.get(heartbeat.tenant, heartbeat.id);
    await this.put(nextRecord(previous, heartbeat, receivedAt));
  }

  async list(tenant: string): Promise<AgentRecord[]> {
    return this.search({ term: { tenant } }, [{ id: 'asc' }]);
  }

  async listAllTenants(): Promise<AgentRecord[]> {
    return this.search({ match_all: {} }, [{ tenant: 'asc' }, { id: 'asc' }]);
  }

  async markAlerted(tenant: string, id: string, lastSeen: string): Promise<void> {
    await this.request('POST', `/${this.index}/_update/${encodeURIComponent(agentDocumentId(tenant, id))}?refresh=true`, { doc: { alertedFor: lastSeen } });
  }

  async close(): Promise<void> {}

  private async search(query: unknown, sort: unknown[]): Promise<AgentRecord[]> {
    const response = await this.request('POST', `/${this.index}/_search`, { size: MAX_AGENTS, query, sort });
    const body = (await response.json()) as { hits: { hits: { _source: AgentRecord }[] } };
    return body.hits.hits.map((hit) => hit._source);
  }

  private async get(tenant: string, id: string): Promise<AgentRecord | undefined> {
    const response = await fetch(`${this.url}/${this.index}/_doc/${encodeURIComponent(agentDocumentId(tenant, id))}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Reading agent ${id} of tenant ${tenant} from ${this.index} failed with HTTP ${response.status}.`);
    return ((await response.json()) as { _source: AgentRecord })._source;
  }

  private async put(record: AgentRecord): Promise<void> {
    await this.request('PUT', `/${this.index}/_doc/${encodeURIComponent(agentDocumentId(record.tenant, record.id))}?refresh=true`, record);
  }

  private async request(method: string, pathAndQuery: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.url}${pathAndQuery}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`OpenSearch answered ${method} ${pathAndQuery} with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response;
  }
}
