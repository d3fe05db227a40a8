import type { QueryAst } from '@siem/query';
import type { AggregateRequest, AggregateResult } from './aggregations/types';
import type { FieldsRequest, FieldsResult } from './fields/types';

/** One event to index; `id` is deterministic so a redelivered event overwrites itself. */
export interface IndexableEvent {
  readonly id: string;
  readonly timestamp: string;
  readonly document: Record<string, unknown>;
}

export interface RejectedEvent {
  readonly id: string;
  readonly status: number;
  readonly reason: string;
}

export interface BulkIndexResult {
  readonly indexed: number;
  /** Refused for good by the store (mapping conflict, bad value): dead letters, not retries. */
  readonly rejected: readonly RejectedEvent[];
}

export interface SearchRequest {
  readonly query: QueryAst;
  readonly from?: string;
  readonly to?: string;
  readonly size: number;
  /** Order by @timestamp; newest first by default. */
  readonly sort?: 'desc' | 'asc';
  /** The `next` of the previous page: the hits after its last one, in the same order. */
  readonly searchAfter?: string;
}

export type CountRequest = Pick<SearchRequest, 'query' | 'from' | 'to'>;

/** A page of an export: like a search page, without the total, which an export does not need and which costs a count per page. */
export type ExportPageRequest = SearchRequest;

export interface ExportHit {
  readonly id: string;
  /** The event's document as JSON text: the embedded store hands over what it stored, unparsed. */
  readonly json: string;
}

export interface ExportPage {
  readonly hits: readonly ExportHit[];
  /** The cursor to the page after this one, when this page is full. */
  readonly next?: string;
}

export interface SearchHit {
  readonly id: string;
  readonly index: string;
  readonly event: Record<string, unknown>;
}

export interface SearchResult {
  /** Exact up to TOTAL_HITS_LIMIT; at the limit it is a lower bound and `totalRelation` is 'gte' (absent: exact). */
  readonly total: number;
  readonly totalRelation?: 'eq' | 'gte';
  readonly hits: readonly SearchHit[];
  /** An opaque cursor to the page after this one, when this page is full. */
  readonly next?: string;
}

export interface EventStore {
  /** Creates templates and whatever the store needs before the first write. */
  ensureReady(): Promise<void>;
  /**
   * Indexes a batch. Resolves when every event is either indexed or rejected
   * for good; rejects (retryable StoreError) when the store is unavailable.
   */
  bulkIndex(events: readonly IndexableEvent[]): Promise<BulkIndexResult>;
  /** Milliseconds this instance's bulk writes have waited so far for another process's write lock (embedded store). */
  writeLockWaitMs?(): number;
  search(request: SearchRequest): Promise<SearchResult>;
  /** Deletes whole days older than the configured retention; returns the index names deleted. */
  applyRetention(now?: Date): Promise<string[]>;
  /** The exact number of events matching, without the cap `search` puts on `total`. */
  count(request: CountRequest): Promise<number>;
  close(): Promise<void>;
}

/** What the analyst API reads besides search and count; both stores answer it identically (see store-conformance.ts). */
export interface EventAnalytics {
  /**
   * The event stored under `id`, undefined when there is none. With the event's `@timestamp`
   * (an alert carries it) the store reads the one day it is in, and sees it before a refresh.
   */
  getEvent(id: string, timestamp?: string): Promise<SearchHit | undefined>;
  aggregate(request: AggregateRequest): Promise<AggregateResult>;
  /** The next page of every match in order, as JSON text; an export reads page after page with `next`. */
  exportPage(request: ExportPageRequest): Promise<ExportPage>;
  /** The tenant's fields in the whole hours of the range: type, events having it, when, and its most common values (fields/types.ts). */
  fields(request: FieldsRequest): Promise<FieldsResult>;
}

