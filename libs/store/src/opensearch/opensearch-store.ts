import { promisify } from 'node:util';
import { constants as zlibConstants, gzip } from 'node:zlib';
import { Client } from '@opensearch-project/opensearch';
import type { Logger } from '@siem/telemetry';
import { StoreError, StoreErrorCodes } from '../errors';
import { aggregator } from '../aggregations/accumulate';
import { badRequest, checkAggregations } from '../aggregations/shared';
import type { AggregateRequest, AggregateResult } from '../aggregations/types';
import { decodeCursor, encodeCursor } from '../cursor';
import { TOTAL_HITS_LIMIT } from '../embedded/embedded-store';
import type { BulkIndexResult, CountRequest, EventAnalytics, EventStore, ExportPage, ExportPageRequest, IndexableEvent, RejectedEvent, SearchHit, SearchRequest, SearchResult } from '../types';
import type { FieldsRequest, FieldsResult } from '../fields/types';
import { fromOpenSearchAggs, toOpenSearchAggs } from './aggregations';
import { bulkBody } from './bulk-body';
import { sendWithItemRetries, type BulkItemAnswer } from './bulk-retry';
import { DEFAULT_TEMPLATE_PRIORITY, eventIndexTemplate, eventIndexTemplateName } from './event-template';
import { readFieldCatalog } from './field-catalog';
import { dailyIndexName, indicesForRange } from './index-names';
import { RequestGate } from './request-gate';
import { hasIndexManagement, retentionPolicy, retentionPolicyDescription, retentionPolicyId } from './retention-policy';
import { toTenantOpenSearchQuery } from '../tenant-scope';

export interface OpenSearchStoreOptions {
  readonly url: string;
  readonly indexPrefix: string;
  readonly replicas: number;
  /** Priority of the event index template (default 200); see `DEFAULT_TEMPLATE_PRIORITY`. */
  readonly templatePriority?: number;
  /** Daily indices older than this many days are deleted by `applyRetention`; unset keeps everything. */
  readonly retentionDays?: number;
  /** Bulk requests this store keeps open at once; further chunks wait with their body built (default 1). */
  readonly bulkRequests?: number;
  /** Request body compression (default gzip): it saves bandwidth to a remote cluster and costs CPU on both ends. */
  readonly compression?: 'gzip' | 'none';
  /** Receives a debug line per bulk request (size, serialization and request time) when debug is enabled. */
  readonly logger?: Logger;
  /** How long a search or count may wait for OpenSearch (default 60 s); closing the request at the deadline makes OpenSearch cancel the search. */
  readonly searchTimeoutMs?: number;
}

interface BulkItem {
  index?: { _id?: string; status: number; error?: { type?: string; reason?: string } };
}

const gzipAsync = promisify(gzip);
/** Every item keeps its status, so items stay in request order. */
const BULK_RESPONSE_FIELDS = 'items.*.status,items.*.error.type,items.*.error.reason';
const EXPORT_RESPONSE_FIELDS = 'hits.hits._id,hits.hits._source,hits.hits.sort';

export class OpenSearchStore implements EventStore, EventAnalytics {
  private readonly client: Client;
  private readonly bulkGate: RequestGate;

  constructor(private readonly options: OpenSearchStoreOptions) {
    this.client = new Client({ node: options.url, requestTimeout: 60_000 });
    this.bulkGate = new RequestGate(options.bulkRequests ?? 1);
  }

  async ensureReady(): Promise<void> {
    const name = eventIndexTemplateName(this.options.indexPrefix);
    const priority = this.options.templatePriority ?? DEFAULT_TEMPLATE_PRIORITY;
    try {
      await this.client.indices.putIndexTemplate({ name, body: eventIndexTemplate(this.options.indexPrefix, this.options.replicas, priority) as never });
    } catch (cause) {
      const conflict = templateConflict(cause);
      if (conflict) {
        throw new StoreError(
          StoreErrorCodes.templateConflict,
          `The event index template ${name} (pattern ${this.options.indexPrefix}*, priority ${priority}) overlaps the index templates ${conflict.join(', ')}, which have the same priority, and OpenSearch refuses two templates that could both apply at one priority. ` +
            `Set SIEM_INDEX_TEMPLATE_PRIORITY to a priority none of them has, or, if they are leftovers, delete them (curl -X DELETE ${this.options.url}/_index_template/<name>).`,
          { cause, retryable: false },
        );
      }
      throw new StoreError(
        StoreErrorCodes.setupFailed,
        `Could not install the event index template at ${this.options.url}: ${(cause as Error).message}. Check SIEM_OPENSEARCH_URL and that the cluster is up.`,
        { cause, retryable: true },
      );
    }
    await this.installRetentionPolicy();
  }

  /**
   * Where the Index State Management plugin is installed, installs (or brings up to date) the ISM
   * policy that deletes the daily indices past the retention, and puts the existing ones under it;
   * without the plugin, `applyRetention` alone deletes them (see retention-policy.ts).
   */
  async installRetentionPolicy(): Promise<'installed' | 'up to date' | 'plugin absent' | 'no retention'> {
    const days = this.options.retentionDays;
    if (days === undefined) return 'no retention';
    const prefix = this.options.indexPrefix;
    const id = retentionPolicyId(prefix);
    try {
      const plugins = await this.client.cat.plugins({ format: 'json' } as never);
      if (!hasIndexManagement(plugins.body as unknown as { component?: string }[])) return 'plugin absent';
      const path = `/_plugins/_ism/policies/${encodeURIComponent(id)}`;
      const existing = await this.client.transport.request({ method: 'GET', path }, { ignore: [404] });
      const installed = existing.body as { _seq_no?: number; _primary_term?: number; policy?: { description?: string } };
      if (installed.policy?.description === retentionPolicyDescription(prefix, days)) return 'up to date';
      const found = existing.statusCode === 200;
      const guard = found ? `?if_seq_no=${installed._seq_no}&if_primary_term=${installed._primary_term}` : '';
      await this.client.transport.request({ method: 'PUT', path: `${path}${guard}`, body: retentionPolicy(prefix, days, this.options.templatePriority ?? DEFAULT_TEMPLATE_PRIORITY) });
      // The policy's template manages new indices; the existing ones are put under it (or moved to its new version).
      await this.client.transport.request({ method: 'POST', path: `/_plugins/_ism/${found ? 'change_policy' : 'add'}/${encodeURIComponent(`${prefix}*`)}`, body: { policy_id: id } });
      return 'installed';
    } catch (cause) {
      throw new StoreError(
        StoreErrorCodes.setupFailed,
        `Could not install the ISM retention policy ${id} at ${this.options.url}: ${(cause as Error).message}. Check that the cluster is up and that this user may manage ISM policies.`,
        { cause, retryable: true },
      );
    }
  }

  async bulkIndex(events: readonly IndexableEvent[]): Promise<BulkIndexResult> {
    if (events.length === 0) return { indexed: 0, rejected: [] };
    const outcome = await sendWithItemRetries(events, (batch) => this.sendBulk(batch));
    if (outcome.unavailable.length > 0) {
      throw new StoreError(StoreErrorCodes.unavailable, `${outcome.unavailable.length} of ${events.length} events were still refused as temporarily unavailable after 5 requests; the chunk will be retried.`, { retryable: true });
    }
    const rejected: RejectedEvent[] = outcome.rejected.map(({ item, status, reason }) => ({ id: item.id, status, reason }));
    return { indexed: events.length - rejected.length, rejected };
  }

  /** One bulk request; its items answer in request order. */
  private async sendBulk(events: readonly IndexableEvent[]): Promise<BulkItemAnswer[]> {
    const timing = this.options.logger?.isLevelEnabled('debug') ? this.options.logger : undefined;
    const began = performance.now();
    const text = bulkBody(this.options.indexPrefix, events);
    const compressed = (this.options.compression ?? 'gzip') === 'gzip';
    // Compressed before queueing, so that a waiting body goes out the moment its turn comes.
    const body = compressed ? await gzipAsync(text, { level: zlibConstants.Z_BEST_SPEED }) : text;
    const serialized = performance.now();
    try {
      const { items, sentAt } = await this.bulkGate.run(async () => {
        const sentAt = performance.now();
        // Only what is read back: OpenSearch skips writing, and this process parsing, the rest of every item (index, version, shards).
        const response = await this.client.bulk({ body: body as never, filter_path: BULK_RESPONSE_FIELDS }, compressed ? { headers: { 'content-encoding': 'gzip' } } : {});
        return { items: response.body.items as BulkItem[], sentAt };
      });
      timing?.debug(
        { events: events.length, bodyBytes: Buffer.byteLength(body), serializeMs: Math.round(serialized - began), queuedMs: Math.round(sentAt - serialized), requestMs: Math.round(performance.now() - sentAt) },
        'Sent a bulk request.',
      );
      return items.map((item) => item.index ?? { status: 200 });
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.unavailable, `Bulk indexing ${events.length} events failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    const order = request.sort ?? 'desc';
    const after = request.searchAfter === undefined ? undefined : decodeCursor(request.searchAfter, ['number', 'string']);
    try {
      const response = await this.client.search({
        index: this.indicesOf(request),
        ignore_unavailable: true,
        allow_no_indices: true,
        body: {
          query: toTenantOpenSearchQuery(request.query, { from: request.from, to: request.to }),
          // _id breaks ties within a millisecond, so that a cursor names one place.
          sort: [{ '@timestamp': { order } }, { _id: { order } }],
          size: request.size,
          track_total_hits: TOTAL_HITS_LIMIT,
          ...(after ? { search_after: after } : {}),
        } as never,
      }, this.searchOptions());
      const hits = response.body.hits;
      const total = typeof hits.total === 'number' ? { value: hits.total, relation: 'eq' } : (hits.total ?? { value: 0, relation: 'eq' });
      const last = request.size > 0 && hits.hits.length === request.size ? hits.hits[hits.hits.length - 1] : undefined;
      return {
        total: total.value,
        totalRelation: total.relation === 'gte' ? 'gte' : 'eq',
        hits: hits.hits.map(hitOf),
        ...(last?.sort ? { next: encodeCursor(last.sort as (string | number)[]) } : {}),
      };
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.searchFailed, `The search failed in OpenSearch: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  /**
   * A page of an export: search_after as `search` pages, without tracking the total and with
   * only the ids, sources and sort values in the answer (filter_path), so OpenSearch writes,
   * and this process parses, nothing else.
   */
  async exportPage(request: ExportPageRequest): Promise<ExportPage> {
    const order = request.sort ?? 'desc';
    const after = request.searchAfter === undefined ? undefined : decodeCursor(request.searchAfter, ['number', 'string']);
    try {
      const response = await this.client.search({
        index: this.indicesOf(request),
        ignore_unavailable: true,
        allow_no_indices: true,
        filter_path: EXPORT_RESPONSE_FIELDS,
        body: {
          query: toTenantOpenSearchQuery(request.query, { from: request.from, to: request.to }),
          sort: [{ '@timestamp': { order } }, { _id: { order } }],
          size: request.size,
          track_total_hits: false,
          ...(after ? { search_after: after } : {}),
        } as never,
      }, this.searchOptions());
      const hits = ((response.body as { hits?: { hits?: { _id: string; _source?: unknown; sort?: (string | number)[] }[] } }).hits?.hits ?? []);
      const last = request.size > 0 && hits.length === request.size ? hits[hits.length - 1] : undefined;
      return { hits: hits.map((hit) => ({ id: hit._id, json: JSON.stringify(hit._source ?? {}) })), ...(last?.sort ? { next: encodeCursor(last.sort) } : {}) };
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.searchFailed, `Exporting from OpenSearch failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  async getEvent(id: string, timestamp?: string): Promise<SearchHit | undefined> {
    if (timestamp !== undefined && !Number.isNaN(Date.parse(timestamp))) {
      // A get by id is real-time; a search sees the event only after the index's next refresh.
      const found = await this.getFromDay(id, dailyIndexName(this.options.indexPrefix, new Date(Date.parse(timestamp)).toISOString()));
      if (found) return found;
    }
    try {
      const response = await this.client.search({
        index: `${this.options.indexPrefix}*`,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: { query: { ids: { values: [id] } }, size: 1 } as never,
      }, this.searchOptions());
      const [hit] = response.body.hits.hits;
      return hit && hitOf(hit);
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.searchFailed, `Reading event ${id} from OpenSearch failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  private async getFromDay(id: string, index: string): Promise<SearchHit | undefined> {
    try {
      const response = await this.client.get({ index, id }, this.searchOptions());
      return response.body.found ? hitOf(response.body) : undefined;
    } catch (cause) {
      if ((cause as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined;
      throw new StoreError(StoreErrorCodes.searchFailed, `Reading event ${id} from ${index} failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  async aggregate(request: AggregateRequest): Promise<AggregateResult> {
    checkAggregations(request.aggs);
    let body: { hits: { total?: number | { value: number } }; aggregations?: Record<string, unknown> };
    try {
      const response = await this.client.search({
        index: this.indicesOf(request),
        ignore_unavailable: true,
        allow_no_indices: true,
        body: { query: toTenantOpenSearchQuery(request.query, { from: request.from, to: request.to }), size: 0, track_total_hits: true, aggs: toOpenSearchAggs(request.aggs) } as never,
      }, this.searchOptions());
      body = response.body as never;
    } catch (cause) {
      const reason = (cause as { meta?: { statusCode?: number } }).meta?.statusCode === 400 ? badRequest(`OpenSearch cannot run these aggregations: ${(cause as Error).message}. Aggregate keyword, number, ip and date fields, not text.`) : undefined;
      if (reason) throw reason;
      throw new StoreError(StoreErrorCodes.searchFailed, `The aggregation failed in OpenSearch: ${(cause as Error).message}.`, { cause, retryable: true });
    }
    const total = typeof body.hits.total === 'number' ? body.hits.total : (body.hits.total?.value ?? 0);
    // No day of the range has an index: OpenSearch answers without aggregations, so the answer is that of no events.
    return { total, aggs: body.aggregations ? fromOpenSearchAggs(request.aggs, body.aggregations) : aggregator(request.aggs).result() };
  }

  /** The tenant's fields in the whole hours of the range, from the mapping and one tenant-filtered search (field-catalog.ts). */
  async fields(request: FieldsRequest): Promise<FieldsResult> {
    return readFieldCatalog(this.client, this.options.indexPrefix, request, this.searchOptions());
  }

  async applyRetention(now: Date = new Date()): Promise<string[]> {
    if (this.options.retentionDays === undefined) return [];
    const oldestKept = dailyIndexName(this.options.indexPrefix, new Date(now.getTime() - this.options.retentionDays * 86_400_000).toISOString());
    const response = await this.client.cat.indices({ index: `${this.options.indexPrefix}*`, format: 'json', h: 'index' } as never);
    const daily = new RegExp(`^${this.options.indexPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d{4}\\.\\d{2}\\.\\d{2}$`);
    const expired = (response.body as unknown as { index: string }[]).map((row) => row.index).filter((index) => daily.test(index) && index < oldestKept);
    if (expired.length) await this.client.indices.delete({ index: expired.join(',') });
    return expired.sort();
  }

  async count(request: CountRequest): Promise<number> {
    try {
      const response = await this.client.count({
        index: this.indicesOf(request),
        ignore_unavailable: true,
        allow_no_indices: true,
        body: { query: toTenantOpenSearchQuery(request.query, { from: request.from, to: request.to }) } as never,
      }, this.searchOptions());
      return response.body.count;
    } catch (cause) {
      throw new StoreError(StoreErrorCodes.searchFailed, `Counting in OpenSearch failed: ${(cause as Error).message}.`, { cause, retryable: true });
    }
  }

  private indicesOf(request: CountRequest): string {
    return indicesForRange(this.options.indexPrefix, request.from, request.to);
  }

  private searchOptions(): { requestTimeout?: number; maxRetries?: number } {
    // A retry would start the search over after the caller's time is spent.
    return this.options.searchTimeoutMs === undefined ? {} : { requestTimeout: this.options.searchTimeoutMs, maxRetries: 0 };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function hitOf(hit: { _id?: string; _index?: string; _source?: unknown }): SearchHit {
  return { id: hit._id ?? '', index: hit._index ?? '', event: (hit._source ?? {}) as Record<string, unknown> };
}

/** The names of the templates OpenSearch says overlap the new one at its priority; undefined for any other failure. */
function templateConflict(error: unknown): string[] | undefined {
  const reason = (error as { meta?: { body?: { error?: { type?: string; reason?: string } } } }).meta?.body?.error;
  if (reason?.type !== 'illegal_argument_exception' || !reason.reason?.includes('same priority')) return undefined;
  const names = /existing templates \[([^\]]*)\]/.exec(reason.reason)?.[1];
  return names ? names.split(',').map((template) => template.trim()) : ['(unnamed in the answer)'];
}
