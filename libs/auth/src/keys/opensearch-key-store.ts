import { Client } from '@opensearch-project/opensearch';
import { AuthError, AuthErrorCodes } from '../errors';
import type { ApiKeyRecord, KeyStore } from './key-store';

const MAX_KEYS = 10_000;

/**
 * The key index beside the events of `eventPrefix`, named as the rule and saved-search indices are
 * (`siem-events-` gives `siem-api-keys`), outside the event pattern so no search reads it.
 */
export function keyIndexName(eventPrefix: string): string {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return `${base}api-keys`;
}

/** API keys of a cluster deployment in one OpenSearch index, shared by every API process on every host. */
export class OpenSearchKeyStore implements KeyStore {
  readonly index: string;
  private readonly client: Client;
  private readonly replicas: number;

  constructor(options: { readonly url: string; readonly indexPrefix: string; readonly replicas: number }) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.index = keyIndexName(options.indexPrefix);
    this.replicas = options.replicas;
  }

  async ensureReady(): Promise<void> {
    await this.call('Creating the key index', async () => {
      const exists = await this.client.indices.exists({ index: this.index });
      if (exists.body) return;
      await this.client.indices
        .create({
          index: this.index,
          body: {
            settings: { number_of_shards: 1, number_of_replicas: this.replicas },
            mappings: { dynamic: false, properties: { tenant: { type: 'keyword' }, role: { type: 'keyword' }, createdAt: { type: 'date' } } },
          } as never,
        })
        .catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
          // Another API process created it meanwhile.
          if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
        });
    });
  }

  async insert(record: ApiKeyRecord): Promise<boolean> {
    return this.call('Storing a key', async () => {
      const response = await this.client.index({ index: this.index, id: record.id, body: record as never, op_type: 'create', refresh: 'wait_for' }, { ignore: [409] });
      return response.statusCode !== 409;
    });
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    // A real-time get: a key revoked a moment ago is seen revoked before the index refreshes.
    return this.call('Reading a key', async () => {
      const response = await this.client.get({ index: this.index, id }, { ignore: [404] });
      return response.body.found ? (response.body._source as unknown as ApiKeyRecord) : undefined;
    });
  }

  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    return this.call('Listing keys', async () => {
      const query = tenant === undefined ? { match_all: {} } : { term: { tenant } };
      const response = await this.client.search({ index: this.index, body: { query, sort: [{ createdAt: 'asc' }, { _id: 'asc' }], size: MAX_KEYS } as never });
      return response.body.hits.hits.map((hit) => hit._source as unknown as ApiKeyRecord);
    });
  }

  async revoke(id: string): Promise<boolean> {
    return this.call('Revoking a key', async () => {
      const response = await this.client.update({ index: this.index, id, body: { doc: { revoked: true } } as never, refresh: 'wait_for', retry_on_conflict: 3 }, { ignore: [404] });
      return response.statusCode !== 404;
    });
  }

  async touch(id: string, lastUsedAt: string): Promise<void> {
    await this.call('Recording the last use of a key', () => this.client.update({ index: this.index, id, body: { doc: { lastUsedAt } } as never, retry_on_conflict: 3 }, { ignore: [404] }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      throw new AuthError(AuthErrorCodes.storeFailed, `${what} failed in OpenSearch (${this.index}): ${(cause as Error).message}. Check that the cluster is up.`, { cause });
    }
  }
}
