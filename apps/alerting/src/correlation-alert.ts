import { attackFromTags, type CorrelationAlert } from '@siem/rules';
import type { AlertDocument, StoredAlert } from '@siem/store';

/** Where alerts with `actions` on their rule are notified (libs/actions' dispatcher: it queues and never waits). */
export interface AlertActions {
  dispatch(alert: StoredAlert, rule: { readonly id: string; readonly title: string; readonly level: string; readonly actions?: readonly unknown[] }): void;
}

/** The ECS objects a group-by field may fill in the alert, so alerts are searched by host, user and address as single-event ones are. */
const PIVOT_ROOTS = new Set(['host', 'user', 'source', 'destination', 'client', 'server', 'process', 'organization']);

/** Puts each value whose dotted name starts with an ECS pivot object (`user.name`) into the document under that name. */
export function addPivotFields(document: Record<string, unknown>, values: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (PIVOT_ROOTS.has(name.split('.')[0]!) && name.includes('.')) setPath(document, name, value);
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let current = target;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts.at(-1)!] = value;
}

/**
 * The stored alert of a correlation: its id is the engine's (rule + group + the window's first
 * event), so the same window replayed after a restart writes the same alert, which the store
 * keeps once. The group values go under their ECS names, the window's events under
 * `correlation.event_ids`, and `event.id` names the event that completed the window.
 */
export function correlationAlertDocument(alert: CorrelationAlert, tags: readonly string[], detectedAt: string): StoredAlert {
  const attack = attackFromTags(tags);
  const document: Record<string, unknown> = {
    '@timestamp': new Date(alert.lastTimestamp).toISOString(),
    message: alert.title,
    rule: { id: alert.ruleId, title: alert.title, level: alert.level, tags: [...tags] },
    threat: { technique: { id: attack.techniques }, tactic: { name: attack.tactics } },
    alert: { status: 'open', detected_at: detectedAt },
    event: { id: alert.eventIds.at(-1) ?? alert.id, kind: 'alert' },
    correlation: {
      type: alert.type,
      value: alert.value,
      group: alert.group,
      first: new Date(alert.firstTimestamp).toISOString(),
      last: new Date(alert.lastTimestamp).toISOString(),
      event_ids: alert.eventIds,
    },
  };
  addPivotFields(document, alert.group);
  return { id: alert.id, alert: document as AlertDocument };
}
