/**
 * Incidents, computed when read: alerts that share a host or a user, each within `windowMs`
 * of the previous alert of that host or user, are one incident (a chain, so a slow attack
 * that keeps touching one host stays one incident). Pure over the alerts a search returned,
 * so both stores give the same incidents for the same alerts.
 */
import { createHash } from 'node:crypto';
import type { AlertStatus, StoredAlert } from './types';

export interface Incident {
  /** From the incident's earliest alert: the same alerts give the same id. */
  readonly id: string;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly alert_count: number;
  /** Matches behind the alerts (a suppressed alert counts its merged matches). */
  readonly event_count: number;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  /** ATT&CK tactics the alerts cover, in kill-chain order. */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly rules: readonly { readonly id: string; readonly title: string; readonly level: string }[];
  /** The highest rule level among the alerts. */
  readonly level: string;
  readonly statuses: Readonly<Record<AlertStatus, number>>;
  /** The alerts, earliest first, at most MAX_INCIDENT_ALERT_IDS. */
  readonly alert_ids: readonly string[];
}

export interface IncidentOptions {
  readonly windowMs: number;
  /** Tactic names in kill-chain order (libs/rules ATTACK_TACTICS); others follow, by name. */
  readonly tacticOrder: readonly string[];
}

export const MAX_INCIDENT_ALERT_IDS = 100;
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

interface Entry {
  readonly stored: StoredAlert;
  readonly first: number;
  readonly last: number;
  readonly entities: readonly string[];
}

function timeOf(value: unknown, fallback: number): number {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? fallback : parsed;
}

function nameOf(alert: StoredAlert['alert'], field: 'host' | 'user'): string | undefined {
  const value = (alert[field] as { name?: unknown } | undefined)?.name;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function entitiesOf(alert: StoredAlert['alert']): string[] {
  const host = nameOf(alert, 'host');
  const user = nameOf(alert, 'user');
  return [...(host === undefined ? [] : [`host\u0000${host}`]), ...(user === undefined ? [] : [`user\u0000${user}`])];
}

/** The incidents of `alerts`, the most recently active first. */
export function groupIncidents(alerts: readonly StoredAlert[], options: IncidentOptions): Incident[] {
  const entries: Entry[] = alerts.map((stored) => {
    const base = timeOf(stored.alert['@timestamp'], timeOf(stored.alert.alert.detected_at, 0));
    return { stored, first: timeOf(stored.alert.alert.first_seen, base), last: timeOf(stored.alert.alert.last_seen, base), entities: entitiesOf(stored.alert) };
  });
  entries.sort((a, b) => a.first - b.first || (a.stored.id < b.stored.id ? -1 : a.stored.id > b.stored.id ? 1 : 0));

  const parent = entries.map((_, index) => index);
  const root = (index: number): number => {
    let at = index;
    while (parent[at] !== at) at = parent[at] = parent[parent[at]!]!;
    return at;
  };
  const latest = new Map<string, { index: number; last: number }>();
  entries.forEach((entry, index) => {
    for (const entity of entry.entities) {
      const previous = latest.get(entity);
      if (previous !== undefined && entry.first - previous.last <= options.windowMs) {
        // The earlier root stays the root, so an incident is named by its earliest alert.
        const [a, b] = [root(previous.index), root(index)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
      if (previous === undefined || entry.last >= previous.last) latest.set(entity, { index, last: entry.last });
    }
  });

  const groups = new Map<number, Entry[]>();
  entries.forEach((entry, index) => {
    const key = root(index);
    const members = groups.get(key);
    if (members) members.push(entry);
    else groups.set(key, [entry]);
  });
  const tacticRank = (tactic: string) => {
    const rank = options.tacticOrder.indexOf(tactic);
    return rank === -1 ? options.tacticOrder.length : rank;
  };
  const incidents = [...groups.values()].map((members) => describe(members, tacticRank));
  return incidents.sort((a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : a.id < b.id ? -1 : 1));
}

function describe(members: readonly Entry[], tacticRank: (tactic: string) => number): Incident {
  const hosts = new Set<string>();
  const users = new Set<string>();
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  const rules = new Map<string, { id: string; title: string; level: string }>();
  const statuses: Record<AlertStatus, number> = { open: 0, acknowledged: 0, closed: 0 };
  let events = 0;
  let level = 0;
  let last = members[0]!.last;
  for (const { stored, last: seen } of members) {
    const alert = stored.alert;
    const host = nameOf(alert, 'host');
    const user = nameOf(alert, 'user');
    if (host !== undefined) hosts.add(host);
    if (user !== undefined) users.add(user);
    for (const tactic of alert.threat?.tactic?.name ?? []) tactics.add(tactic);
    for (const technique of alert.threat?.technique?.id ?? []) techniques.add(technique);
    rules.set(alert.rule.id, { id: alert.rule.id, title: alert.rule.title, level: alert.rule.level });
    statuses[alert.alert.status] = (statuses[alert.alert.status] ?? 0) + 1;
    events += alert.alert.count ?? 1;
    level = Math.max(level, LEVELS.indexOf(alert.rule.level));
    last = Math.max(last, seen);
  }
  const first = members[0]!;
  return {
    id: `i${createHash('sha256').update(first.stored.id).digest('base64url').slice(0, 23)}`,
    first_seen: new Date(first.first).toISOString(),
    last_seen: new Date(last).toISOString(),
    alert_count: members.length,
    event_count: events,
    hosts: [...hosts].sort(),
    users: [...users].sort(),
    tactics: [...tactics].sort((a, b) => tacticRank(a) - tacticRank(b) || a.localeCompare(b)),
    techniques: [...techniques].sort(),
    rules: [...rules.values()],
    level: LEVELS[level] ?? 'informational',
    statuses,
    alert_ids: members.slice(0, MAX_INCIDENT_ALERT_IDS).map((member) => member.stored.id),
  };
}
