import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import type { Logger } from '@siem/telemetry';
import { EmbeddedStore } from './embedded';
import { OpenSearchStore } from './opensearch/opensearch-store';
import type { EventAnalytics, EventStore } from './types';

/** The one place that chooses between OpenSearch and the embedded SQLite store; `logger` gets OpenSearch's per-request debug timing. */
export function createStore(config: SiemConfig, logger?: Logger): EventStore & EventAnalytics {
  const retentionDays = config.deployment.storeRetentionDays;
  // Searches get the API's budget (SIEM_API_BUDGET_MS): past it the read worker no longer waits for them.
  if (config.deployment.store === 'opensearch') return new OpenSearchStore({ ...config.opensearch, retentionDays, logger, searchTimeoutMs: config.api.budgetMs });
  return new EmbeddedStore({ dataDir: path.resolve(config.deployment.dataDir), indexPrefix: config.opensearch.indexPrefix, retentionDays });
}
