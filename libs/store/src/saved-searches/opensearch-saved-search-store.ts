import { randomUUID } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { StoreError, StoreErrorCodes } from '../errors';
import type { SavedSearch, SavedSearchInput, SavedSearchStore } from './types';

const MAX_SAVED_SEARCHES = 10_000;

/**
 * The saved-searches index beside the events of `eventPrefix`, named as the rule and alert
 * indices are (`siem-events-` gives `siem-saved-searches`), outside the event pattern.
 */
export function savedSearchIndexName(eventPrefix: string): string {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return `${base}saved-searches`;
}

/** Saved searches in one OpenSearch index; writes wait for the refresh, so a list right after shows them. */
export class OpenSearchSavedSearchStore implements SavedSearchStore {
  readonly index: string;
  private readonly client: Client;

  constructor(options: { readonly url: string; readonly indexPrefix: string; readonly replicas: number }) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.index = savedSearchIndexName(options.indexPrefix);
    this.replicas = options.replicas;
  }

  private readonly replicas: number;

  async ensureReady(): Promise<void> {
    await this.call('Creating the saved-search index', async () => {
      const exists = await this.client.indices.exists({ index: this.index });
      if (exists.body) return;
      await this.client.indices
        .create({
          index: this.index,
          body: { settings: { number_of_shards: 1, number_of_replicas: this.replicas }, mappings: { dynamic: false, properties: { name: { type: 'keyword' }, updatedAt: { type: 'date' } } } } as never,
        })
        .catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
          // Another process created it meanwhile.
          if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
        });
    });
  }

  async list(): Promise<SavedSearch[]> {
    return this.call('Listing saved searches', async () => {
      const response = await this.client.search({ index: this.index, body: { query: { match_all: {} }, sort: [{ name: 'asc' }, { _id: 'asc' }], size: MAX_SAVED_SEARCHES } as never });
      return response.body.hits.hits.map((hit) => hit._source as unknown as SavedSearch);
    });
  }

  async get(id: string): Promise<SavedSearch | undefined> {
    return this.call('Reading a saved search', async () => {
      const response = await this.client.get({ index: this.index, id }, { ignore: [404] });
      return response.body.found ? (response.body._source as unknown as SavedSearch) : undefined;
    });
  }

  async create(input: SavedSearchInput): Promise<SavedSearch> {
    const now = new Date().toISOString();
    const saved: SavedSearch = { ...input, id: randomUUID(), createdAt: now, updatedAt: now };
    await this.call('Saving a search', () => this.client.index({ index: this.index, id: saved.id, body: saved as never, refresh: 'wait_for', op_type: 'create' }));
    return saved;
  }

  async update(id: string, input: SavedSearchInput): Promise<SavedSearch | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const saved: SavedSearch = { ...input, id, createdAt: current.createdAt, updatedAt: new Date().toISOString() };
    await this.call('Updating a saved search', () => this.client.index({ index: this.index, id, body: saved as never, refresh: 'wait_for' }));
    return saved;
  }

  async delete(id: string): Promise<boolean> {
    return this.call('Deleting a saved search', async () => {
      const response = await this.client.delete({ index: this.index, id, refresh: 'wait_for' }, { ignore: [404] });
      return (response.body as { result?: string }).result === 'deleted';
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.unavailable, `${what} failed in OpenSearch: ${(cause as Error).message}. Check that the cluster is up.`, { cause, retryable: true });
    }
  }
}
