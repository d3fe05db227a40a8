import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedActionDeadLetterStore } from './embedded-action-dead-letters';
import { OpenSearchActionDeadLetterStore } from './opensearch-action-dead-letters';
import type { ActionDeadLetterStore } from './types';

/** Failed notifications go where the alerts go. */
export function createActionDeadLetterStore(config: SiemConfig): ActionDeadLetterStore {
  if (config.deployment.store === 'opensearch') {
    return new OpenSearchActionDeadLetterStore({ url: config.opensearch.url, indexPrefix: config.opensearch.indexPrefix, replicas: config.opensearch.replicas });
  }
  return new EmbeddedActionDeadLetterStore(path.resolve(config.deployment.dataDir));
}
