import { MAX_SUPPRESSED_EVENT_IDS } from './alert-model';
import type { AlertDocument } from './types';

/**
 * The suppressed alert `existing` after one more match, `incoming` (a fresh alert of the same
 * group); undefined when `existing` already lists its event. The OpenSearch store runs the
 * same steps as a fixed Painless script (SUPPRESSION_MERGE_SCRIPT), so both answer alike.
 */
export function mergeSuppressed(existing: AlertDocument, incoming: AlertDocument): AlertDocument | undefined {
  const eventId = incoming.event.id;
  const time = incoming.alert.first_seen ?? incoming['@timestamp'];
  const ids = existing.alert.event_ids ?? [existing.event.id];
  if (ids.includes(eventId)) return undefined;
  const firstSeen = existing.alert.first_seen ?? existing['@timestamp'];
  const lastSeen = existing.alert.last_seen ?? existing['@timestamp'];
  return {
    ...existing,
    alert: {
      ...existing.alert,
      count: (existing.alert.count ?? 1) + 1,
      first_seen: time < firstSeen ? time : firstSeen,
      last_seen: time > lastSeen ? time : lastSeen,
      event_ids: ids.length < MAX_SUPPRESSED_EVENT_IDS ? [...ids, eventId] : ids,
    },
  };
}

/** mergeSuppressed in Painless: our own fixed script; the match's values come in as params only. */
export const SUPPRESSION_MERGE_SCRIPT = `
def a = ctx._source.alert;
if (a.event_ids == null) { a.event_ids = [ctx._source.event.id]; }
if (a.event_ids.contains(params.event_id)) { ctx.op = 'none'; return; }
a.count = (a.count == null ? 1 : a.count) + 1;
String first = a.first_seen == null ? ctx._source['@timestamp'] : a.first_seen;
String last = a.last_seen == null ? ctx._source['@timestamp'] : a.last_seen;
a.first_seen = params.time.compareTo(first) < 0 ? params.time : first;
a.last_seen = params.time.compareTo(last) > 0 ? params.time : last;
if (a.event_ids.size() < params.max_ids) { a.event_ids.add(params.event_id); }
`;

/** A suppressed alert as first written: one match, its time as first and last seen, its event listed. */
export function firstOfGroup(alert: AlertDocument): AlertDocument {
  return {
    ...alert,
    alert: {
      ...alert.alert,
      count: alert.alert.count ?? 1,
      first_seen: alert.alert.first_seen ?? alert['@timestamp'],
      last_seen: alert.alert.last_seen ?? alert['@timestamp'],
      event_ids: alert.alert.event_ids ?? [alert.event.id],
    },
  };
}
