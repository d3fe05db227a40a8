export type { BulkIndexResult, CountRequest, EventStore, IndexableEvent, RejectedEvent, SearchHit, SearchRequest, SearchResult } from './types';
export { StoreError, StoreErrorCodes, type StoreErrorCode } from './errors';
export { OpenSearchStore, type OpenSearchStoreOptions } from './opensearch/opensearch-store';
export { dailyIndexName } from './opensearch/index-names';
export { EmbeddedStore, TOTAL_HITS_LIMIT, type EmbeddedStoreOptions } from './embedded';
export { createStore } from './create-store';
export * from './detection';
