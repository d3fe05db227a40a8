/**
 * What an alert gains after it is raised: the suppression group it stands for (count,
 * first and last seen, the events), and the analyst's work on it (status, assignee,
 * comments, and the history of every change).
 */
export type AlertCloseReason = 'true_positive' | 'false_positive' | 'benign' | 'duplicate';

export interface AlertSuppression {
  readonly fields: readonly string[];
  /** The values that group the matches; null for a field the event did not have. */
  readonly values: Readonly<Record<string, string | null>>;
  readonly window_start: string;
  readonly window_end: string;
}

export interface AlertComment {
  readonly id: string;
  readonly at: string;
  readonly by: string;
  readonly text: string;
}

/** One change of one field: `field` is status, close_reason, assignee or comment. */
export interface AlertHistoryEntry {
  readonly at: string;
  readonly by: string;
  readonly field: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** The most event ids a suppressed alert lists; its count goes on. */
export const MAX_SUPPRESSED_EVENT_IDS = 100;
