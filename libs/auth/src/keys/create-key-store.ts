import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedKeyStore } from './embedded-key-store';
import type { KeyStore } from './key-store';
import { OpenSearchKeyStore } from './opensearch-key-store';

/** Keys live where the deployment's rules and alerts live: OpenSearch, or SQLite under the data directory. */
export function createKeyStore(config: SiemConfig): KeyStore {
  if (config.deployment.store === 'opensearch') return new OpenSearchKeyStore(config.opensearch);
  return new EmbeddedKeyStore({ dataDir: path.resolve(config.deployment.dataDir) });
}
