export type { BulkIndexResult, CountRequest, EventAnalytics, EventStore, IndexableEvent, RejectedEvent, SearchHit, SearchRequest, SearchResult } from './types';
export { StoreError, StoreErrorCodes, type StoreErrorCode } from './errors';
export { OpenSearchStore, type OpenSearchStoreOptions } from './opensearch/opensearch-store';
export { dailyIndexName } from './opensearch/index-names';
export { EmbeddedStore, TOTAL_HITS_LIMIT, type EmbeddedStoreOptions } from './embedded';
export { createStore } from './create-store';
export * from './detection';
export type * from './aggregations/types';
export { DEFAULT_PERCENTS, DEFAULT_TERMS_SIZE, DEFAULT_TOP_HITS_SIZE, MAX_PERCENTILE_VALUES, intervalMs } from './aggregations/shared';
