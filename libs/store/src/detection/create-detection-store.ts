import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedDetectionStore } from './embedded-detection-store';
import { OpenSearchDetectionStore } from './opensearch-detection-store';
import type { DetectionStore } from './types';

/** Rules and alerts go where the events go: OpenSearch indices or the embedded SQLite directory. */
export function createDetectionStore(config: SiemConfig): DetectionStore {
  if (config.deployment.store === 'opensearch') {
    return new OpenSearchDetectionStore({ url: config.opensearch.url, indexPrefix: config.opensearch.indexPrefix, replicas: config.opensearch.replicas });
  }
  return new EmbeddedDetectionStore({ dataDir: path.resolve(config.deployment.dataDir) });
}
