import { agentIndexName } from '../opensearch-agent-registry';
import { senderKey, type Sender, type SenderKind, type SenderStore, type UnknownSender } from './sender';

/** At most this many senders are listed per request; a larger registry needs paging, which the API does not offer yet. */
const MAX_SENDERS = 10_000;

/** Senders of a cluster deployment: `<agents index>-senders` and `-unknown-senders`, one document per (tenant, kind, id). */
export class OpenSearchSenderStore implements SenderStore {
  readonly index: string;
  readonly unknownIndex: string;

  constructor(
    private readonly url: string,
    indexPrefix: string,
  ) {
    this.index = `${agentIndexName(indexPrefix)}-senders`;
    this.unknownIndex = `${agentIndexName(indexPrefix)}-unknown-senders`;
  }

  async ensureReady(): Promise<void> {
    const keyword = { type: 'keyword' };
    await this.ensureIndex(this.index, { tenant: keyword, kind: keyword, id: keyword });
    await this.ensureIndex(this.unknownIndex, { tenant: keyword, kind: keyword, id: keyword, events: { type: 'long' }, lastSeen: { type: 'date' } });
  }

  async list(tenant: string): Promise<Sender[]> {
    return this.search<Sender>(this.index, { term: { tenant } }, [{ kind: 'asc' }, { id: 'asc' }]);
  }

  async listAll(): Promise<Sender[]> {
    return this.search<Sender>(this.index, { match_all: {} }, [{ tenant: 'asc' }, { kind: 'asc' }, { id: 'asc' }]);
  }

  async get(tenant: string, kind: SenderKind, id: string): Promise<Sender | undefined> {
    const response = await fetch(`${this.url}/${this.index}/_doc/${this.docId(tenant, kind, id)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`Reading sender ${kind} ${id} from ${this.index} failed with HTTP ${response.status}.`);
    return ((await response.json()) as { _source: Sender })._source;
  }

  async put(sender: Sender): Promise<void> {
    await this.request('PUT', `/${this.index}/_doc/${this.docId(sender.tenant, sender.kind, sender.id)}?refresh=true`, sender);
    const removed = await fetch(`${this.url}/${this.unknownIndex}/_doc/${this.docId(sender.tenant, sender.kind, sender.id)}?refresh=true`, { method: 'DELETE' });
    if (!removed.ok && removed.status !== 404) throw new Error(`Removing ${sender.kind} ${sender.id} from ${this.unknownIndex} failed with HTTP ${removed.status}.`);
  }

  async delete(tenant: string, kind: SenderKind, id: string): Promise<boolean> {
    const response = await fetch(`${this.url}/${this.index}/_doc/${this.docId(tenant, kind, id)}?refresh=true`, { method: 'DELETE' });
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`Deleting sender ${kind} ${id} from ${this.index} failed with HTTP ${response.status}.`);
    return true;
  }

  async recordUnknown(sightings: readonly UnknownSender[]): Promise<void> {
    if (sightings.length === 0) return;
    // A scripted upsert per sighting: counts add up and firstSeen stays, whichever process wrote first.
    const lines = sightings.flatMap((sighting) => [
      { update: { _index: this.unknownIndex, _id: senderKey(sighting.tenant, sighting.kind, sighting.id), retry_on_conflict: 5 } },
      {
        script: {
          source: 'ctx._source.events += params.events; if (params.lastSeen.compareTo(ctx._source.lastSeen) > 0) { ctx._source.lastSeen = params.lastSeen }',
          params: { events: sighting.events, lastSeen: sighting.lastSeen },
        },
        upsert: sighting,
      },
    ]);
    const response = await fetch(`${this.url}/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.map((line) => JSON.stringify(line)).join('\n')}\n` });
    const body = (await response.json()) as { errors?: boolean; items?: { update: { error?: { reason?: string } } }[] };
    if (!response.ok || body.errors) throw new Error(`Recording unknown senders in ${this.unknownIndex} failed: ${body.items?.find((item) => item.update.error)?.update.error?.reason ?? `HTTP ${response.status}`}`);
  }

  async listUnknown(tenant: string): Promise<UnknownSender[]> {
    return this.search<UnknownSender>(this.unknownIndex, { term: { tenant } }, [{ events: 'desc' }, { kind: 'asc' }, { id: 'asc' }]);
  }

  async close(): Promise<void> {}

  private docId(tenant: string, kind: SenderKind, id: string): string {
    return encodeURIComponent(senderKey(tenant, kind, id));
  }

  private async search<T>(index: string, query: unknown, sort: unknown[]): Promise<T[]> {
    const response = await this.request('POST', `/${index}/_search`, { size: MAX_SENDERS, query, sort });
    return ((await response.json()) as { hits: { hits: { _source: T }[] } }).hits.hits.map((hit) => hit._source);
  }

  private async ensureIndex(index: string, properties: Record<string, unknown>): Promise<void> {
    const exists = await fetch(`${this.url}/${index}`, { method: 'HEAD' });
    if (exists.ok) return;
    const created = await fetch(`${this.url}/${index}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: { dynamic: false, properties } }),
    });
    if (!created.ok && !(await created.text()).includes('resource_already_exists_exception')) throw new Error(`Creating the senders index ${index} failed with HTTP ${created.status}.`);
  }

  private async request(method: string, pathAndQuery: string, body: unknown): Promise<Response> {
    const response = await fetch(`${this.url}${pathAndQuery}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`OpenSearch answered ${method} ${pathAndQuery} with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response;
  }
}
