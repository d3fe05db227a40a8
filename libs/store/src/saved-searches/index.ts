export type { SavedSearch, SavedSearchInput, SavedSearchStore } from './types';
export { EmbeddedSavedSearchStore } from './embedded-saved-search-store';
export { OpenSearchSavedSearchStore, savedSearchIndexName } from './opensearch-saved-search-store';
export { createSavedSearchStore } from './create-saved-search-store';
