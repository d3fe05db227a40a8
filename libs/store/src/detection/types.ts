import type { QueryAst } from '@siem/query';
import type { RejectedEvent } from '../types';
import type { AlertCloseReason, AlertComment, AlertHistoryEntry, AlertSuppression } from './alert-model';

/**
 * A rule as the store keeps it: the document the API validated (libs/rules decides what
 * is valid; the store only needs the keys it filters on), with its version history.
 */
export interface RuleDocument {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly enabled: boolean;
  readonly status?: string;
  readonly tags?: readonly string[];
  readonly description?: string;
  readonly logsource?: { readonly product?: string; readonly category?: string; readonly service?: string };
  readonly [key: string]: unknown;
}

export interface StoredRule {
  readonly rule: RuleDocument;
  /** 1 for a new rule, one more for each change (enabling and disabling included). */
  readonly version: number;
  readonly createdAt: string;
  /** When this version was saved. */
  readonly updatedAt: string;
}

/** Every key narrows the list; `text` is a case-insensitive substring of the title, description or id. */
export interface RuleFilter {
  readonly tag?: string;
  readonly level?: string;
  readonly status?: string;
  readonly enabled?: boolean;
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly text?: string;
}

export type RuleSaveOutcome = 'created' | 'updated' | 'unchanged';

export interface RuleSaveResult {
  readonly stored: StoredRule;
  readonly outcome: RuleSaveOutcome;
}

export type AlertStatus = 'open' | 'acknowledged' | 'closed';

/**
 * What a match writes: the rule, the event's id and the fields analysts pivot on, in the
 * event's ECS names, so the same queries work on events and alerts.
 */
export interface AlertDocument {
  /** The matched event's time. */
  readonly '@timestamp': string;
  /** The rule's title, so that free text finds alerts by it. */
  readonly message: string;
  readonly rule: { readonly id: string; readonly title: string; readonly level: string; readonly tags: readonly string[]; readonly version?: number };
  readonly threat: { readonly technique: { readonly id: readonly string[] }; readonly tactic: { readonly name: readonly string[] } };
  readonly alert: {
    readonly status: AlertStatus;
    readonly detected_at: string;
    /** Suppressed alerts: the group, the matches merged so far, their event times and (bounded) ids. */
    readonly suppression?: AlertSuppression;
    readonly count?: number;
    readonly first_seen?: string;
    readonly last_seen?: string;
    readonly event_ids?: readonly string[];
    readonly assignee?: string | null;
    readonly close_reason?: AlertCloseReason | null;
    readonly updated_at?: string;
    readonly comments?: readonly AlertComment[];
    readonly history?: readonly AlertHistoryEntry[];
  };
  readonly event: { readonly id: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface StoredAlert {
  readonly id: string;
  readonly alert: AlertDocument;
}

export interface AlertWriteResult {
  /** Alerts the store refused for good (a value its mapping cannot take). */
  readonly rejected: readonly RejectedEvent[];
  /** Ids of the alerts this call created (not a redelivered match, not a merge into a known one): what gets notified. */
  readonly created?: readonly string[];
}

export interface AlertSearch {
  /** The query language, over the alert's fields (`host.name:web-1`, free text on the rule title). */
  readonly query?: QueryAst;
  readonly ruleId?: string;
  readonly level?: string;
  readonly status?: AlertStatus;
  /** Bounds on the event's `@timestamp`, ISO 8601, both included. */
  readonly from?: string;
  readonly to?: string;
  readonly size: number;
}

/** What `modifyAlerts` did to one id. */
export interface AlertModification {
  readonly id: string;
  readonly outcome: 'updated' | 'unchanged' | 'not_found';
  /** The alert as stored after the call (absent when not found). */
  readonly alert?: StoredAlert;
}

/** The new document of an alert, or undefined to leave it as it is. It may throw; the call then fails. */
export type AlertChange = (current: StoredAlert) => AlertDocument | undefined;

export interface AlertSearchResult {
  readonly total: number;
  /** Newest detection first. */
  readonly alerts: readonly StoredAlert[];
}

/**
 * Rules and alerts, beside the events: OpenSearch indices (`siem-rules`, `siem-rule-versions`,
 * `siem-alerts`) or one SQLite file of the embedded store.
 */
export interface DetectionStore {
  ensureReady(): Promise<void>;
  listRules(filter?: RuleFilter): Promise<StoredRule[]>;
  getRule(id: string): Promise<StoredRule | undefined>;
  /**
   * Saves every rule or none: a new id is created, a known one gets a new version (the
   * previous one stays readable through `ruleVersions`), an identical one is left alone.
   */
  saveRules(rules: readonly RuleDocument[]): Promise<RuleSaveResult[]>;
  /** Deletes the rule and its history; false when there was none. */
  deleteRule(id: string): Promise<boolean>;
  /** Every version of the rule, the current one first; empty for an unknown id. */
  ruleVersions(id: string): Promise<StoredRule[]>;
  /** A value that changes whenever any rule is created, changed or deleted: what workers poll. */
  rulesRevision(): Promise<string>;
  /**
   * Writes alerts whose ids are not stored yet; a known id (a redelivered event) keeps its
   * alert and its status. Rejects (retryable StoreError) when the store is unavailable.
   */
  writeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult>;
  /**
   * Writes suppressed alerts (`alert.suppression` set, id from the group and window): a new
   * id is written as is, a known one counts one more match, moves first/last seen and lists
   * the event id (up to MAX_SUPPRESSED_EVENT_IDS); an event id already listed changes nothing,
   * so a redelivered event is not counted twice. Safe under concurrent writers of one id.
   */
  mergeAlerts(alerts: readonly StoredAlert[]): Promise<AlertWriteResult>;
  /**
   * Applies `change` to each alert, with a read-modify-write that retries when another writer
   * changed the alert in between, so no concurrent change is lost.
   */
  modifyAlerts(ids: readonly string[], change: AlertChange): Promise<AlertModification[]>;
  searchAlerts(search: AlertSearch): Promise<AlertSearchResult>;
  getAlert(id: string): Promise<StoredAlert | undefined>;
  close(): Promise<void>;
}
