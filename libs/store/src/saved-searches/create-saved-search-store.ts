import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedSavedSearchStore } from './embedded-saved-search-store';
import { OpenSearchSavedSearchStore } from './opensearch-saved-search-store';
import type { SavedSearchStore } from './types';

export function createSavedSearchStore(config: SiemConfig): SavedSearchStore {
  if (config.deployment.store === 'opensearch') return new OpenSearchSavedSearchStore(config.opensearch);
  return new EmbeddedSavedSearchStore({ dataDir: path.resolve(config.deployment.dataDir) });
}
