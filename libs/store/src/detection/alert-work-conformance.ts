import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUPPRESSED_EVENT_IDS } from './alert-model';
import { groupIncidents } from './incidents';
import type { AlertDocument, DetectionStore, StoredAlert } from './types';

/**
 * Suppression merges and read-modify-write changes, run alike against each DetectionStore.
 * `makeStore` is called twice: the two instances play two processor workers (or two API
 * processes) writing the same alerts at once.
 */
export function describeAlertWorkConformance(name: string, makeStore: () => Promise<DetectionStore>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – suppression and alert changes`, () => {
    let store: DetectionStore;
    let other: DetectionStore;

    beforeAll(async () => {
      store = await makeStore();
      other = await makeStore();
      await store.ensureReady();
      await other.ensureReady();
    });

    afterAll(async () => {
      await store?.close();
      await other?.close();
    });

    function match(group: string, eventId: string, timestamp: string, ruleId = 'rule-suppressed'): StoredAlert {
      const alert: AlertDocument = {
        '@timestamp': timestamp,
        message: 'Suppressed rule',
        rule: { id: ruleId, title: 'Suppressed rule', level: 'medium', tags: [] },
        threat: { technique: { id: [] }, tactic: { name: [] } },
        alert: {
          status: 'open',
          detected_at: '2026-05-01T10:30:00.000Z',
          suppression: { fields: ['host.name'], values: { 'host.name': 'web-1' }, window_start: '2026-05-01T10:00:00.000Z', window_end: '2026-05-01T11:00:00.000Z' },
        },
        event: { id: eventId },
        host: { name: 'web-1' },
      };
      return { id: group, alert };
    }

    it('merges matches of one group into one alert with a count, first and last seen and the event ids', async () => {
      const group = `s${randomUUID()}`;
      await store.mergeAlerts([match(group, 'e2', '2026-05-01T10:20:00.000Z')]);
      await store.mergeAlerts([match(group, 'e1', '2026-05-01T10:05:00.000Z'), match(group, 'e3', '2026-05-01T10:40:00.000Z')]);
      await refresh();
      const merged = (await store.getAlert(group))!.alert;
      expect(merged.alert.count).toBe(3);
      expect(merged.alert.first_seen).toBe('2026-05-01T10:05:00.000Z');
      expect(merged.alert.last_seen).toBe('2026-05-01T10:40:00.000Z');
      expect(merged.alert.event_ids).toEqual(['e2', 'e1', 'e3']);
      expect(merged.event.id).toBe('e2');
      expect((await store.searchAlerts({ ruleId: 'rule-suppressed', size: 1000 })).alerts.filter((found) => found.id === group)).toHaveLength(1);
    });

    it('counts a redelivered event once, and reports only a new group as created', async () => {
      const group = `s${randomUUID()}`;
      const first = await store.mergeAlerts([match(group, 'e1', '2026-05-01T10:05:00.000Z'), match(group, 'e2', '2026-05-01T10:06:00.000Z')]);
      expect(first.created).toEqual([group]);
      const again = await store.mergeAlerts([match(group, 'e1', '2026-05-01T10:05:00.000Z'), match(group, 'e2', '2026-05-01T10:06:00.000Z')]);
      expect(again.created).toEqual([]);
      expect((await store.getAlert(group))!.alert.alert.count).toBe(2);
    });

    it('keeps counting past the bounded list of event ids', async () => {
      const group = `s${randomUUID()}`;
      const matches = Array.from({ length: MAX_SUPPRESSED_EVENT_IDS + 5 }, (_, index) => match(group, `e${index}`, '2026-05-01T10:05:00.000Z'));
      await store.mergeAlerts(matches);
      const merged = (await store.getAlert(group))!.alert;
      expect(merged.alert.count).toBe(MAX_SUPPRESSED_EVENT_IDS + 5);
      expect(merged.alert.event_ids).toHaveLength(MAX_SUPPRESSED_EVENT_IDS);
    });

    it('merges concurrent writers of one group into one alert that counts every match', async () => {
      const group = `s${randomUUID()}`;
      await Promise.all(
        Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? store : other).mergeAlerts([match(group, `c${index}`, `2026-05-01T10:${String(10 + index).padStart(2, '0')}:00.000Z`)])),
      );
      const merged = (await store.getAlert(group))!.alert;
      expect(merged.alert.count).toBe(20);
      expect(new Set(merged.alert.event_ids)).toEqual(new Set(Array.from({ length: 20 }, (_, index) => `c${index}`)));
      expect(merged.alert.first_seen).toBe('2026-05-01T10:10:00.000Z');
      expect(merged.alert.last_seen).toBe('2026-05-01T10:29:00.000Z');
    });

    it('changes alerts, leaves unchanged ones alone, reports unknown ids, and the search sees the new status', async () => {
      const ruleId = `rule-${randomUUID()}`;
      const [a, b] = [match(`a${randomUUID()}`, 'e1', '2026-05-01T10:05:00.000Z', ruleId), match(`b${randomUUID()}`, 'e2', '2026-05-01T10:06:00.000Z', ruleId)];
      expect((await store.writeAlerts([a!, b!])).created).toEqual([a!.id, b!.id]);
      expect((await store.writeAlerts([a!])).created).toEqual([]);
      const results = await store.modifyAlerts([a!.id, b!.id, 'missing'], (current) =>
        current.id === a!.id ? { ...current.alert, alert: { ...current.alert.alert, status: 'acknowledged', assignee: 'alice' } } : undefined,
      );
      expect(results.map((result) => [result.id, result.outcome])).toEqual([
        [a!.id, 'updated'],
        [b!.id, 'unchanged'],
        ['missing', 'not_found'],
      ]);
      expect(results[0]!.alert!.alert.alert.assignee).toBe('alice');
      await refresh();
      expect((await store.searchAlerts({ ruleId, status: 'acknowledged', size: 10 })).alerts.map((found) => found.id)).toEqual([a!.id]);
      expect((await store.getAlert(a!.id))!.alert.alert.assignee).toBe('alice');
    });

    it('gives the same incidents from its alerts as from the alerts written', async () => {
      const ruleId = `rule-${randomUUID()}`;
      const written = [
        match(`i1${randomUUID()}`, 'e1', '2026-05-02T10:00:00.000Z', ruleId),
        { ...match(`i2${randomUUID()}`, 'e2', '2026-05-02T10:20:00.000Z', ruleId) },
        match(`i3${randomUUID()}`, 'e3', '2026-05-02T13:00:00.000Z', ruleId),
      ];
      await store.writeAlerts(written);
      await refresh();
      const found = await store.searchAlerts({ ruleId, from: '2026-05-02T00:00:00.000Z', to: '2026-05-02T23:59:59.999Z', size: 100 });
      const options = { windowMs: 3_600_000, tacticOrder: [] };
      const incidents = groupIncidents(found.alerts, options);
      expect(incidents).toEqual(groupIncidents(written, options));
      expect(incidents.map((incident) => incident.alert_count)).toEqual([1, 2]);
    });

    it('loses no change when two writers change one alert at once', async () => {
      const target = match(`m${randomUUID()}`, 'e1', '2026-05-01T10:05:00.000Z');
      await store.writeAlerts([target]);
      const addComment = (text: string) => (current: StoredAlert) => ({
        ...current.alert,
        alert: { ...current.alert.alert, comments: [...(current.alert.alert.comments ?? []), { id: text, at: '2026-05-01T11:00:00.000Z', by: 'test', text }] },
      });
      await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? store : other).modifyAlerts([target.id], addComment(`c${index}`))));
      const comments = (await store.getAlert(target.id))!.alert.alert.comments!.map((comment) => comment.text);
      expect(comments.sort()).toEqual(Array.from({ length: 10 }, (_, index) => `c${index}`).sort());
    });
  });
}
