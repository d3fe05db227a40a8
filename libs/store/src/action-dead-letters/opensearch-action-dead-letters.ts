import { Client } from '@opensearch-project/opensearch';
import { StoreError, StoreErrorCodes } from '../errors';
import { detectionIndexNames } from '../detection/index-names';
import type { ActionDeadLetter, ActionDeadLetterPage, ActionDeadLetterStore } from './types';

export interface OpenSearchActionDeadLetterOptions {
  readonly url: string;
  /** The event index prefix; the index is named beside the alerts (`siem-action-dead-letters`). */
  readonly indexPrefix: string;
  readonly replicas: number;
}

/** The letter is kept whole and unmapped, but for the keys it is listed by. */
const mappings = {
  dynamic: false,
  properties: { id: { type: 'keyword' }, failed_at: { type: 'date' }, rule_id: { type: 'keyword' }, tenant: { type: 'keyword' } },
};

/** Dead letters of notifications in one OpenSearch index beside the alerts. */
export class OpenSearchActionDeadLetterStore implements ActionDeadLetterStore {
  readonly index: string;
  private readonly client: Client;

  constructor(private readonly options: OpenSearchActionDeadLetterOptions) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.index = detectionIndexNames(options.indexPrefix).alerts.replace(/alerts$/, 'action-dead-letters');
  }

  async ensureReady(): Promise<void> {
    try {
      const exists = await this.client.indices.exists({ index: this.index });
      if (!exists.body) await this.client.indices.create({ index: this.index, body: { settings: { number_of_shards: 1, number_of_replicas: this.options.replicas }, mappings } as never });
    } catch (cause) {
      if ((cause as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type === 'resource_already_exists_exception') return;
      throw new StoreError(StoreErrorCodes.setupFailed, `Could not create the index ${this.index} at ${this.options.url}: ${(cause as Error).message}. Check SIEM_OPENSEARCH_URL.`, { cause, retryable: true });
    }
  }

  async add(letter: ActionDeadLetter): Promise<void> {
    await this.attempt(StoreErrorCodes.unavailable, 'Keeping a failed notification', () => this.client.index({ index: this.index, id: letter.id, body: letter as never, refresh: 'wait_for' }));
  }

  async list({ size, ruleId, tenant }: { size: number; ruleId?: string; tenant?: string }): Promise<ActionDeadLetterPage> {
    return this.attempt(StoreErrorCodes.searchFailed, 'Listing failed notifications', async () => {
      const filter = [...(ruleId === undefined ? [] : [{ term: { rule_id: ruleId } }]), ...(tenant === undefined ? [] : [{ term: { tenant } }])];
      const query = { bool: { filter } };
      const response = await this.client.search({
        index: this.index,
        body: { query, sort: [{ failed_at: { order: 'desc' } }, { id: { order: 'desc' } }], size, track_total_hits: true } as never,
      });
      const total = response.body.hits.total;
      return { total: typeof total === 'number' ? total : (total?.value ?? 0), letters: response.body.hits.hits.map((hit) => hit._source as ActionDeadLetter) };
    });
  }

  async get(id: string): Promise<ActionDeadLetter | undefined> {
    return this.attempt(StoreErrorCodes.searchFailed, 'Reading a failed notification', async () => {
      const response = await this.client.get({ index: this.index, id }, { ignore: [404] });
      const body = response.body as { found?: boolean; _source?: ActionDeadLetter };
      return body.found ? body._source : undefined;
    });
  }

  async remove(id: string): Promise<boolean> {
    return this.attempt(StoreErrorCodes.unavailable, 'Removing a failed notification', async () => {
      const response = await this.client.delete({ index: this.index, id, refresh: 'wait_for' }, { ignore: [404] });
      return (response.body as { result?: string }).result === 'deleted';
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async attempt<T>(code: (typeof StoreErrorCodes)['searchFailed' | 'unavailable'], action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      throw new StoreError(code, `${action} failed in OpenSearch: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }
}
