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

/** The agents of a cluster deployment in one OpenSearch index, one document per agent id; writes wait for the refresh. */
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
    const response = await fetch(`${this.url}/${this.configIndex}/_doc/${encodeURIComponent(`${tenant}\u0000${target}`)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Reading the configuration of ${target} from ${this.configIndex} failed with HTTP ${response.status}.`);
    return ((await response.json()) as { _source: AgentConfig })._source;
  }

  async setConfig(config: AgentConfig): Promise<void> {
    await this.request('PUT', `/${this.configIndex}/_doc/${encodeURIComponent(`${config.tenant}\u0000${config.target}`)}?refresh=true`, config);
  }

  async record(heartbeat: Heartbeat, receivedAt: string): Promise<void> {
    const previous = await this.get(heartbeat.id);
    await this.put(nextRecord(previous, heartbeat, receivedAt));
  }

  async list(): Promise<AgentRecord[]> {
    const response = await this.request('POST', `/${this.index}/_search`, { size: MAX_AGENTS, sort: [{ id: 'asc' }] });
    const body = (await response.json()) as { hits: { hits: { _source: AgentRecord }[] } };
    return body.hits.hits.map((hit) => hit._source);
  }

  async markAlerted(id: string, lastSeen: string): Promise<void> {
    await this.request('POST', `/${this.index}/_update/${encodeURIComponent(id)}?refresh=true`, { doc: { alertedFor: lastSeen } });
  }

  async close(): Promise<void> {}

  private async get(id: string): Promise<AgentRecord | undefined> {
    const response = await fetch(`${this.url}/${this.index}/_doc/${encodeURIComponent(id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Reading agent ${id} from ${this.index} failed with HTTP ${response.status}.`);
    return ((await response.json()) as { _source: AgentRecord })._source;
  }

  private async put(record: AgentRecord): Promise<void> {
    await this.request('PUT', `/${this.index}/_doc/${encodeURIComponent(record.id)}?refresh=true`, record);
  }

  private async request(method: string, pathAndQuery: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.url}${pathAndQuery}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`OpenSearch answered ${method} ${pathAndQuery} with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response;
  }
}
