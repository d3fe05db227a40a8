import { alertId, attackFromTags, suppressionKey, type Suppression } from '@siem/rules';
import type { AlertDocument, StoredAlert } from '@siem/store';

/** What of a rule an alert names. */
export interface AlertRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly tags?: readonly string[];
}

/** The event fields analysts pivot on, copied whole into the alert under their ECS names. */
const PIVOT_FIELDS = ['host', 'user', 'source', 'destination', 'process', 'organization'] as const;
/** Of `event`, what says what happened, besides its id. */
const EVENT_FIELDS = ['dataset', 'category', 'action', 'outcome', 'code', 'provider'] as const;

/**
 * The alert a rule raises on an event. Its id comes from the rule id and the event id, so
 * the alert of a redelivered event is the one already written.
 */
export function buildAlert(rule: AlertRule, eventId: string, event: Record<string, unknown>, detectedAt: string): StoredAlert {
  const tags = rule.tags ?? [];
  const attack = attackFromTags(tags);
  const source = (event.event ?? {}) as Record<string, unknown>;
  const eventFields: Record<string, unknown> = { id: eventId };
  for (const field of EVENT_FIELDS) if (source[field] !== undefined) eventFields[field] = source[field];
  const document: Record<string, unknown> = {
    '@timestamp': typeof event['@timestamp'] === 'string' ? event['@timestamp'] : detectedAt,
    message: rule.title,
    rule: { id: rule.id, title: rule.title, level: rule.level, tags },
    threat: { technique: { id: attack.techniques }, tactic: { name: attack.tactics } },
    alert: { status: 'open', detected_at: detectedAt },
    event: eventFields,
  };
  for (const field of PIVOT_FIELDS) if (event[field] !== undefined) document[field] = event[field];
  return { id: alertId(rule.id, eventId), alert: document as AlertDocument };
}

/**
 * The alert of a rule with suppression: its id names the group and window instead of the
 * event, so the store merges every match of the group into it (count, first and last seen).
 */
export function suppressAlert(built: StoredAlert, ruleId: string, suppression: Suppression, event: Record<string, unknown>): StoredAlert {
  const parsed = Date.parse(built.alert['@timestamp']);
  const time = Number.isNaN(parsed) ? Date.parse(built.alert.alert.detected_at) : parsed;
  const key = suppressionKey(ruleId, suppression, event, time);
  const seen = new Date(time).toISOString();
  return {
    id: key.id,
    alert: {
      ...built.alert,
      alert: {
        ...built.alert.alert,
        suppression: { fields: suppression.fields, values: key.values, window_start: key.windowStart, window_end: key.windowEnd },
        count: 1,
        first_seen: seen,
        last_seen: seen,
        event_ids: [built.alert.event.id],
      },
    },
  };
}
