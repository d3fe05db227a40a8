export type { Checkpoint, Lease, SchedulerStateStore } from './types';
export { SerializedState } from './types';
export { EmbeddedSchedulerStateStore } from './embedded-scheduler-state-store';
export { OpenSearchSchedulerStateStore, stateIndexName } from './opensearch-scheduler-state-store';
export { createSchedulerStateStore } from './create-scheduler-state-store';
