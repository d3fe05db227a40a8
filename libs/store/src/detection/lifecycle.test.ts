import { describe, expect, it } from 'vitest';
import { AlertLifecycleError, MAX_ALERT_COMMENTS, applyAlertUpdate, type AlertUpdate } from './lifecycle';
import type { AlertDocument, AlertStatus } from './types';

function alertIn(status: AlertStatus, extra: Partial<AlertDocument['alert']> = {}): AlertDocument {
  return {
    '@timestamp': '2026-05-01T10:00:00.000Z',
    message: 'Rule',
    rule: { id: 'r1', title: 'Rule', level: 'high', tags: [] },
    threat: { technique: { id: [] }, tactic: { name: [] } },
    alert: { status, detected_at: '2026-05-01T10:00:01.000Z', ...extra },
    event: { id: 'e1' },
  };
}
const actor = { by: 'alice', at: '2026-05-01T11:00:00.000Z', commentId: 'c-1' };
const codeOf = (current: AlertDocument, update: AlertUpdate) => {
  try {
    applyAlertUpdate(current, update, actor);
  } catch (error) {
    return error instanceof AlertLifecycleError ? error.code : 'other';
  }
  return 'none';
};

describe('applyAlertUpdate', () => {
  it('acknowledges, assigns and closes with a reason, recording who changed what when', () => {
    const acknowledged = applyAlertUpdate(alertIn('open'), { status: 'acknowledged', assignee: 'bob' }, actor)!;
    expect(acknowledged.alert).toMatchObject({ status: 'acknowledged', assignee: 'bob', updated_at: actor.at });
    const closed = applyAlertUpdate(acknowledged, { status: 'closed', close_reason: 'false_positive' }, { ...actor, by: 'bob' })!;
    expect(closed.alert.status).toBe('closed');
    expect(closed.alert.close_reason).toBe('false_positive');
    expect(closed.alert.history).toEqual([
      { at: actor.at, by: 'alice', field: 'status', from: 'open', to: 'acknowledged' },
      { at: actor.at, by: 'alice', field: 'assignee', from: null, to: 'bob' },
      { at: actor.at, by: 'bob', field: 'status', from: 'acknowledged', to: 'closed' },
      { at: actor.at, by: 'bob', field: 'close_reason', from: null, to: 'false_positive' },
    ]);
  });

  it('reopens a closed alert and clears its reason', () => {
    const reopened = applyAlertUpdate(alertIn('closed', { close_reason: 'benign' }), { status: 'open' }, actor)!;
    expect(reopened.alert.status).toBe('open');
    expect(reopened.alert.close_reason).toBeNull();
    expect(reopened.alert.history!.map((entry) => entry.field)).toEqual(['status', 'close_reason']);
  });

  it('refuses acknowledging a closed alert, closing without a reason, and a reason without closing', () => {
    expect(codeOf(alertIn('closed', { close_reason: 'benign' }), { status: 'acknowledged' })).toBe('SIEM_ALERT_INVALID_TRANSITION');
    expect(codeOf(alertIn('open'), { status: 'closed' })).toBe('SIEM_ALERT_CLOSE_REASON_REQUIRED');
    expect(codeOf(alertIn('open'), { status: 'acknowledged', close_reason: 'benign' })).toBe('SIEM_ALERT_CLOSE_REASON_NOT_CLOSED');
  });

  it('changes nothing when the update repeats the current state, so bulk updates skip such alerts', () => {
    expect(applyAlertUpdate(alertIn('acknowledged', { assignee: 'bob' }), { status: 'acknowledged', assignee: 'bob' }, actor)).toBeUndefined();
  });

  it('adds comments with their author, and refuses one past the bound', () => {
    const commented = applyAlertUpdate(alertIn('open'), { comment: 'Looking into it' }, actor)!;
    expect(commented.alert.comments).toEqual([{ id: 'c-1', at: actor.at, by: 'alice', text: 'Looking into it' }]);
    expect(commented.alert.history).toEqual([{ at: actor.at, by: 'alice', field: 'comment', from: null, to: 'c-1' }]);
    const full = alertIn('open', { comments: Array.from({ length: MAX_ALERT_COMMENTS }, (_, index) => ({ id: `${index}`, at: actor.at, by: 'x', text: 'x' })) });
    expect(codeOf(full, { comment: 'one more' })).toBe('SIEM_ALERT_TOO_MANY_COMMENTS');
  });
});
