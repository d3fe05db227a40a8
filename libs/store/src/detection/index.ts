export type {
  AlertChange,
  AlertDocument,
  AlertModification,
  AlertSearch,
  AlertSearchResult,
  AlertStatus,
  AlertWriteResult,
  DetectionStore,
  RuleDocument,
  RuleFilter,
  RuleSaveOutcome,
  RuleSaveResult,
  StoredAlert,
  StoredRule,
} from './types';
export { EmbeddedDetectionStore, type EmbeddedDetectionStoreOptions } from './embedded-detection-store';
export { OpenSearchDetectionStore, type OpenSearchDetectionStoreOptions } from './opensearch-detection-store';
export { detectionIndexNames, type DetectionIndexNames } from './index-names';
export { createDetectionStore } from './create-detection-store';
export type { AlertCloseReason, AlertComment, AlertHistoryEntry, AlertSuppression } from './alert-model';
export { MAX_SUPPRESSED_EVENT_IDS } from './alert-model';
