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
export {
  ALERT_CLOSE_REASONS,
  ALERT_STATUSES,
  AlertLifecycleError,
  AlertLifecycleErrorCodes,
  MAX_ALERT_COMMENTS,
  MAX_ALERT_HISTORY,
  applyAlertUpdate,
  type AlertActor,
  type AlertLifecycleErrorCode,
  type AlertUpdate,
} from './lifecycle';
export { groupIncidents, MAX_INCIDENT_ALERT_IDS, type Incident, type IncidentOptions } from './incidents';
