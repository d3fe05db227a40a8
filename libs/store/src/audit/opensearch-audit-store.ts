import { Client } from '@opensearch-project/opensearch';
import { encodeCursor } from '../cursor';
import { StoreError, StoreErrorCodes } from '../errors';
import { pageStart, statusRange, timeMs } from './audit-filter';
import type { AuditPage, AuditQuery, AuditRecord, AuditStore } from './types';

/**
 * The audit data stream beside the events of `eventPrefix`, named as the other indices are
 * (`siem-events-` gives `siem-audit`, whose backing indices are `.ds-siem-audit-00000N`).
 */
export function auditStreamName(eventPrefix: string): string {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return `${base}audit`;
}

// Parameters, query and body are kept as they came (redacted) but not indexed: their shapes differ
// per route and must never make a record's write fail on a mapping conflict.
const MAPPINGS = {
  dynamic: false,
  properties: {
    '@timestamp': { type: 'date' },
    id: { type: 'keyword' },
    tenant: { type: 'keyword' },
    principal: { properties: { kind: { type: 'keyword' }, id: { type: 'keyword' }, name: { type: 'keyword' }, role: { type: 'keyword' } } },
    method: { type: 'keyword' },
    route: { type: 'keyword' },
    status: { type: 'integer' },
    sourceAddress: { type: 'keyword' },
    durationMs: { type: 'float' },
    params: { type: 'object', enabled: false },
    query: { type: 'object', enabled: false },
    body: { type: 'object', enabled: false },
  },
};

/**
 * The audit trail in an OpenSearch data stream: documents can only be created in it (op_type
 * create), never indexed over or updated through it, and this store has no call that deletes.
 */
export class OpenSearchAuditStore implements AuditStore {
  readonly stream: string;
  private readonly client: Client;
  private readonly replicas: number;
  private readonly templatePriority: number;

  constructor(options: { readonly url: string; readonly indexPrefix: string; readonly replicas: number; readonly templatePriority: number }) {
    this.client = new Client({ node: options.url, requestTimeout: 30_000 });
    this.stream = auditStreamName(options.indexPrefix);
    this.replicas = options.replicas;
    this.templatePriority = options.templatePriority;
  }

  async ensureReady(): Promise<void> {
    await this.call('Creating the audit data stream', async () => {
      await this.client.indices.putIndexTemplate({
        name: this.stream,
        body: {
          index_patterns: [this.stream],
          data_stream: {},
          priority: this.templatePriority,
          template: { settings: { number_of_shards: 1, number_of_replicas: this.replicas }, mappings: MAPPINGS },
        } as never,
      });
      await this.client.indices.createDataStream({ name: this.stream }).catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
        // Another API process created it meanwhile.
        if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
      });
    });
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const body = records.flatMap((record) => [{ create: { _index: this.stream, _id: record.id } }, record]);
    const response = await this.call('Writing audit records', () => this.client.bulk({ body: body as never, refresh: 'wait_for' }));
    const items = (response.body as { items: { create?: { status: number; error?: { reason?: string } } }[] }).items;
    // 409: the record was stored by an earlier attempt of the same batch.
    const failed = items.map((item) => item.create).filter((result) => result !== undefined && result.status >= 300 && result.status !== 409);
    if (failed.length > 0) {
      throw new StoreError(StoreErrorCodes.unavailable, `OpenSearch refused ${failed.length} of ${records.length} audit records (${failed[0]!.error?.reason ?? failed[0]!.status}); they will be retried.`, {
        retryable: true,
      });
    }
  }

  async search(query: AuditQuery): Promise<AuditPage> {
    const filter: object[] = [{ term: { tenant: query.tenant } }];
    if (query.from !== undefined || query.to !== undefined) {
      const range: Record<string, number> = {};
      if (query.from !== undefined) range.gte = timeMs('from', query.from);
      if (query.to !== undefined) range.lte = timeMs('to', query.to);
      filter.push({ range: { '@timestamp': { ...range, format: 'epoch_millis' } } });
    }
    if (query.principal !== undefined) filter.push({ bool: { should: [{ term: { 'principal.id': query.principal } }, { term: { 'principal.name': query.principal } }], minimum_should_match: 1 } });
    if (query.route !== undefined) filter.push({ term: { route: query.route } });
    if (query.method !== undefined) filter.push({ term: { method: query.method.toUpperCase() } });
    if (query.status !== undefined) {
      const [gte, lte] = statusRange(query.status);
      filter.push({ range: { status: { gte, lte } } });
    }
    const start = pageStart(query);
    const response = await this.call('Searching the audit trail', () =>
      this.client.search({
        index: this.stream,
        ignore_unavailable: true,
        body: {
          query: { bool: { filter } },
          sort: [{ '@timestamp': 'desc' }, { id: 'desc' }],
          size: query.size + 1,
          ...(start ? { search_after: [start.timeMs, start.id] } : {}),
        } as never,
      }),
    );
    const hits = response.body.hits.hits;
    const records = hits.slice(0, query.size).map((hit) => hit._source as unknown as AuditRecord);
    const last = records.at(-1);
    return hits.length > query.size && last ? { records, next: encodeCursor([Date.parse(last['@timestamp']), last.id]) } : { records };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError(StoreErrorCodes.unavailable, `${what} failed in OpenSearch: ${(cause as Error).message}. Check that the cluster is up.`, { cause, retryable: true });
    }
  }
}
