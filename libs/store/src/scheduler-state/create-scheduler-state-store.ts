import path from 'node:path';
import type { SiemConfig } from '@siem/config';
import { EmbeddedSchedulerStateStore } from './embedded-scheduler-state-store';
import { OpenSearchSchedulerStateStore } from './opensearch-scheduler-state-store';
import type { SchedulerStateStore } from './types';

/** Leases and checkpoints go where the alerts go: the `<base>state` index or `<dataDir>/store/state.sqlite`. */
export function createSchedulerStateStore(config: SiemConfig): SchedulerStateStore {
  if (config.deployment.store === 'opensearch') {
    return new OpenSearchSchedulerStateStore({ url: config.opensearch.url, indexPrefix: config.opensearch.indexPrefix, replicas: config.opensearch.replicas });
  }
  return new EmbeddedSchedulerStateStore({ dataDir: path.resolve(config.deployment.dataDir) });
}
