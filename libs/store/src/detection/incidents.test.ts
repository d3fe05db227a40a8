import { describe, expect, it } from 'vitest';
import { groupIncidents } from './incidents';
import type { AlertDocument, StoredAlert } from './types';

const KILL_CHAIN = ['initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'credential-access', 'lateral-movement'];
const HOUR = 3_600_000;

function alert(id: string, time: string, entities: { host?: string; user?: string }, tactics: string[] = [], level = 'medium'): StoredAlert {
  const document: AlertDocument = {
    '@timestamp': time,
    message: id,
    rule: { id: `rule-${id}`, title: `Rule ${id}`, level, tags: [] },
    threat: { technique: { id: [] }, tactic: { name: tactics } },
    alert: { status: 'open', detected_at: time },
    event: { id: `e-${id}` },
    ...(entities.host ? { host: { name: entities.host } } : {}),
    ...(entities.user ? { user: { name: entities.user } } : {}),
  };
  return { id, alert: document };
}

describe('groupIncidents', () => {
  it('joins alerts that share a host or a user within the window, chaining through both', () => {
    const incidents = groupIncidents(
      [
        alert('a', '2026-05-01T10:00:00Z', { host: 'ws-1', user: 'alice' }, ['execution'], 'low'),
        alert('b', '2026-05-01T10:30:00Z', { host: 'ws-2', user: 'alice' }, ['initial-access'], 'critical'),
        alert('c', '2026-05-01T11:20:00Z', { host: 'ws-2' }, ['lateral-movement', 'execution']),
        alert('d', '2026-05-01T10:10:00Z', { host: 'db-9', user: 'bob' }),
      ],
      { windowMs: HOUR, tacticOrder: KILL_CHAIN },
    );
    expect(incidents.map((incident) => incident.alert_ids)).toEqual([['a', 'b', 'c'], ['d']]);
    const [chain] = incidents;
    expect(chain).toMatchObject({
      first_seen: '2026-05-01T10:00:00.000Z',
      last_seen: '2026-05-01T11:20:00.000Z',
      alert_count: 3,
      event_count: 3,
      hosts: ['ws-1', 'ws-2'],
      users: ['alice'],
      tactics: ['initial-access', 'execution', 'lateral-movement'],
      level: 'critical',
      statuses: { open: 3, acknowledged: 0, closed: 0 },
    });
  });

  it('keeps alerts of one host apart when more than the window lies between them', () => {
    const incidents = groupIncidents([alert('a', '2026-05-01T10:00:00Z', { host: 'ws-1' }), alert('b', '2026-05-01T11:00:01Z', { host: 'ws-1' })], {
      windowMs: HOUR,
      tacticOrder: KILL_CHAIN,
    });
    expect(incidents).toHaveLength(2);
  });

  it('gives the same incidents and ids whatever order the alerts come in, and counts suppressed matches', () => {
    const suppressed = alert('s', '2026-05-01T10:05:00Z', { host: 'ws-1' });
    const merged: StoredAlert = { id: 's', alert: { ...suppressed.alert, alert: { ...suppressed.alert.alert, count: 7, first_seen: '2026-05-01T10:05:00.000Z', last_seen: '2026-05-01T10:50:00.000Z' } } };
    const alerts = [alert('a', '2026-05-01T10:00:00Z', { host: 'ws-1' }), merged, alert('b', '2026-05-01T11:40:00Z', { host: 'ws-1' })];
    const forward = groupIncidents(alerts, { windowMs: HOUR, tacticOrder: KILL_CHAIN });
    expect(groupIncidents([...alerts].reverse(), { windowMs: HOUR, tacticOrder: KILL_CHAIN })).toEqual(forward);
    expect(forward).toHaveLength(1);
    expect(forward[0]!.event_count).toBe(9);
    expect(forward[0]!.last_seen).toBe('2026-05-01T11:40:00.000Z');
  });

  it('leaves an alert without host or user in an incident of its own', () => {
    const incidents = groupIncidents([alert('x', '2026-05-01T10:00:00Z', {}), alert('y', '2026-05-01T10:00:00Z', {})], { windowMs: HOUR, tacticOrder: KILL_CHAIN });
    expect(incidents.map((incident) => incident.alert_count)).toEqual([1, 1]);
  });
});
