/**
 * The alert lifecycle: open → acknowledged → closed (with a reason), reopening, an assignee
 * and comments, each change written to the alert's history with who made it and when. Pure:
 * the routes hand `applyAlertUpdate` to `DetectionStore.modifyAlerts`, so both stores apply
 * the same rules inside their own read-modify-write.
 */
import { SiemError } from '@siem/schema';
import type { AlertCloseReason, AlertComment, AlertHistoryEntry } from './alert-model';
import type { AlertDocument, AlertStatus } from './types';

export const ALERT_CLOSE_REASONS: readonly AlertCloseReason[] = ['true_positive', 'false_positive', 'benign', 'duplicate'];
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'closed'];
/** Comments one alert takes; more is a conversation for the incident, not the alert. */
export const MAX_ALERT_COMMENTS = 500;
/** History entries kept per alert, the newest. */
export const MAX_ALERT_HISTORY = 1000;

export const AlertLifecycleErrorCodes = {
  invalidTransition: 'SIEM_ALERT_INVALID_TRANSITION',
  reasonRequired: 'SIEM_ALERT_CLOSE_REASON_REQUIRED',
  reasonWithoutClose: 'SIEM_ALERT_CLOSE_REASON_NOT_CLOSED',
  tooManyComments: 'SIEM_ALERT_TOO_MANY_COMMENTS',
} as const;
export type AlertLifecycleErrorCode = (typeof AlertLifecycleErrorCodes)[keyof typeof AlertLifecycleErrorCodes];

/** A change the alert's state refuses: the API answers 409 (a conflict with the alert as it is now). */
export class AlertLifecycleError extends SiemError<AlertLifecycleErrorCode> {}

// Reopening is allowed from both later states; acknowledging a closed alert is not (reopen it first).
const TRANSITIONS: Readonly<Record<AlertStatus, readonly AlertStatus[]>> = {
  open: ['acknowledged', 'closed'],
  acknowledged: ['open', 'closed'],
  closed: ['open'],
};

export interface AlertUpdate {
  readonly status?: AlertStatus;
  readonly close_reason?: AlertCloseReason;
  /** A name, or null to unassign. */
  readonly assignee?: string | null;
  readonly comment?: string;
}

export interface AlertActor {
  /** Who: the caller's principal name. */
  readonly by: string;
  /** When, ISO 8601. */
  readonly at: string;
  /** A comment's id (the routes pass a random UUID). */
  readonly commentId?: string;
}

/** The alert after `update`, or undefined when it changes nothing. Throws AlertLifecycleError when the alert's state refuses it. */
export function applyAlertUpdate(current: AlertDocument, update: AlertUpdate, actor: AlertActor): AlertDocument | undefined {
  const state = current.alert;
  const history: AlertHistoryEntry[] = [];
  const change = (field: string, from: string | null | undefined, to: string | null | undefined) => history.push({ at: actor.at, by: actor.by, field, from: from ?? null, to: to ?? null });

  const status = update.status ?? state.status;
  if (status !== state.status && !TRANSITIONS[state.status].includes(status)) {
    throw new AlertLifecycleError(
      AlertLifecycleErrorCodes.invalidTransition,
      `The alert is ${state.status}; it cannot become ${status}. Allowed from ${state.status}: ${TRANSITIONS[state.status].join(', ')}.`,
      { retryable: false },
    );
  }
  let closeReason = state.close_reason ?? null;
  if (status === 'closed') {
    closeReason = update.close_reason ?? closeReason;
    if (closeReason === null) {
      throw new AlertLifecycleError(AlertLifecycleErrorCodes.reasonRequired, `Closing an alert needs a close_reason: one of ${ALERT_CLOSE_REASONS.join(', ')}.`, { retryable: false });
    }
  } else if (update.close_reason !== undefined) {
    throw new AlertLifecycleError(AlertLifecycleErrorCodes.reasonWithoutClose, `A close_reason goes with status "closed"; the alert would be ${status}.`, { retryable: false });
  } else {
    closeReason = null;
  }
  if (status !== state.status) change('status', state.status, status);
  if (closeReason !== (state.close_reason ?? null)) change('close_reason', state.close_reason, closeReason);

  const assignee = update.assignee === undefined ? (state.assignee ?? null) : update.assignee;
  if (assignee !== (state.assignee ?? null)) change('assignee', state.assignee, assignee);

  let comments = state.comments ?? [];
  if (update.comment !== undefined) {
    if (comments.length >= MAX_ALERT_COMMENTS) {
      throw new AlertLifecycleError(AlertLifecycleErrorCodes.tooManyComments, `The alert has ${MAX_ALERT_COMMENTS} comments, the most it keeps; continue in its incident or a new alert.`, {
        retryable: false,
      });
    }
    const comment: AlertComment = { id: actor.commentId ?? `${comments.length + 1}`, at: actor.at, by: actor.by, text: update.comment };
    comments = [...comments, comment];
    change('comment', null, comment.id);
  }
  if (history.length === 0) return undefined;
  return {
    ...current,
    alert: {
      ...state,
      status,
      close_reason: closeReason,
      assignee,
      comments,
      updated_at: actor.at,
      history: [...(state.history ?? []), ...history].slice(-MAX_ALERT_HISTORY),
    },
  };
}
