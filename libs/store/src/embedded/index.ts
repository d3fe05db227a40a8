export { EmbeddedStore, TOTAL_HITS_LIMIT, type EmbeddedStoreOptions } from './embedded-store';
