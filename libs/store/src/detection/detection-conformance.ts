import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuery } from '@siem/query';
import type { AlertDocument, DetectionStore, RuleDocument, StoredAlert } from './types';

/**
 * What every DetectionStore must do alike, written once and run against each implementation
 * (embedded in a unit test, OpenSearch in an integration test). Cases use fresh rule ids and
 * a marker word of their own, so data of other cases or runs cannot interfere.
 */
export function describeDetectionStoreConformance(name: string, makeStore: () => Promise<DetectionStore>, refresh: () => Promise<void> = async () => {}): void {
  describe(`${name} – detection store conformance`, () => {
    let store: DetectionStore;

    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
    });

    afterAll(async () => {
      await store?.close();
    });

    const marker = () => `m${randomUUID().slice(0, 8)}`;

    function rule(overrides: Partial<RuleDocument> = {}): RuleDocument {
      return {
        id: randomUUID(),
        title: `Rule ${marker()}`,
        level: 'high',
        enabled: true,
        status: 'test',
        tags: ['attack.execution', 'attack.t1059.001'],
        logsource: { product: 'windows', category: 'process_creation' },
        detection: { selection: { 'Image|endswith': '\\powershell.exe' }, condition: 'selection' },
        ...overrides,
      };
    }

    function alert(ruleDocument: RuleDocument, eventId: string, overrides: Record<string, unknown> = {}): StoredAlert {
      const document: AlertDocument = {
        '@timestamp': '2026-05-01T10:00:00.000Z',
        message: ruleDocument.title,
        rule: { id: ruleDocument.id, title: ruleDocument.title, level: ruleDocument.level, tags: ruleDocument.tags ?? [] },
        threat: { technique: { id: ['T1059.001'] }, tactic: { name: ['execution'] } },
        alert: { status: 'open', detected_at: '2026-05-01T10:00:01.000Z' },
        event: { id: eventId },
        host: { name: 'web-1' },
        ...overrides,
      };
      return { id: `${ruleDocument.id}:${eventId}`, alert: document };
    }

    it('creates a rule at version 1 and reads it back', async () => {
      const created = rule();
      const [result] = await store.saveRules([created]);
      expect(result?.outcome).toBe('created');
      expect(result?.stored.version).toBe(1);
      const read = await store.getRule(created.id);
      expect(read?.rule).toEqual(created);
      expect(read?.version).toBe(1);
      expect(await store.getRule(randomUUID())).toBeUndefined();
    });

    it('keeps every version of a changed rule, current first, and leaves an identical save alone', async () => {
      const first = rule({ level: 'low' });
      await store.saveRules([first]);
      const [updated] = await store.saveRules([{ ...first, level: 'critical' }]);
      expect(updated?.outcome).toBe('updated');
      expect(updated?.stored.version).toBe(2);
      const [same] = await store.saveRules([{ ...first, level: 'critical' }]);
      expect(same?.outcome).toBe('unchanged');
      const versions = await store.ruleVersions(first.id);
      expect(versions.map((version) => [version.version, version.rule.level])).toEqual([
        [2, 'critical'],
        [1, 'low'],
      ]);
      expect((await store.getRule(first.id))?.rule.level).toBe('critical');
    });

    it('filters the list by tag, level, status, enabled, log source and text', async () => {
      const m = marker();
      const a = rule({ title: `${m} alpha`, level: 'low', tags: ['attack.discovery'], logsource: { product: 'linux', service: 'sshd' } });
      const b = rule({ title: `${m} beta`, level: 'high', enabled: false, status: 'stable', description: 'Finds the needle' });
      await store.saveRules([a, b]);
      const titles = async (filter: Parameters<DetectionStore['listRules']>[0]) => (await store.listRules({ text: m, ...filter })).map((stored) => stored.rule.title);
      expect(await titles({})).toEqual([`${m} alpha`, `${m} beta`]);
      expect(await titles({ tag: 'attack.discovery' })).toEqual([`${m} alpha`]);
      expect(await titles({ level: 'high' })).toEqual([`${m} beta`]);
      expect(await titles({ status: 'stable' })).toEqual([`${m} beta`]);
      expect(await titles({ enabled: true })).toEqual([`${m} alpha`]);
      expect(await titles({ product: 'linux', service: 'sshd' })).toEqual([`${m} alpha`]);
      expect(await titles({ category: 'process_creation' })).toEqual([`${m} beta`]);
      expect((await store.listRules({ text: 'the NEEDLE' })).map((stored) => stored.rule.id)).toContain(b.id);
    });

    it('changes the revision on create, update and delete, and not on an identical save', async () => {
      const created = rule();
      const before = await store.rulesRevision();
      await store.saveRules([created]);
      const afterCreate = await store.rulesRevision();
      expect(afterCreate).not.toBe(before);
      await store.saveRules([created]);
      expect(await store.rulesRevision()).toBe(afterCreate);
      await store.saveRules([{ ...created, enabled: false }]);
      const afterUpdate = await store.rulesRevision();
      expect(afterUpdate).not.toBe(afterCreate);
      expect(await store.deleteRule(created.id)).toBe(true);
      expect(await store.rulesRevision()).not.toBe(afterUpdate);
    });

    it('deletes a rule with its history', async () => {
      const deleted = rule();
      await store.saveRules([deleted]);
      expect(await store.deleteRule(deleted.id)).toBe(true);
      expect(await store.getRule(deleted.id)).toBeUndefined();
      expect(await store.ruleVersions(deleted.id)).toEqual([]);
      expect(await store.deleteRule(deleted.id)).toBe(false);
    });

    it('writes an alert once: a second write of its id keeps the first', async () => {
      const m = marker();
      const owner = rule({ title: `${m} rule` });
      const first = alert(owner, 'e1');
      await store.writeAlerts([first]);
      await store.writeAlerts([alert(owner, 'e1', { host: { name: 'other' } })]);
      await refresh();
      const result = await store.searchAlerts({ ruleId: owner.id, size: 10 });
      expect(result.total).toBe(1);
      expect(result.alerts[0]).toEqual(first);
      expect(await store.getAlert(first.id)).toEqual(first);
      expect(await store.getAlert(`${owner.id}:none`)).toBeUndefined();
    });

    it('searches alerts with the query language and by rule, level, status and time, newest detection first', async () => {
      const m = marker();
      const high = rule({ title: `${m} high rule`, level: 'high' });
      const low = rule({ title: `${m} low rule`, level: 'low' });
      await store.writeAlerts([
        alert(high, 'a', { host: { name: 'web-1' }, '@timestamp': '2026-05-02T10:00:00.000Z', alert: { status: 'open', detected_at: '2026-05-02T10:00:01.000Z' } }),
        alert(high, 'b', { host: { name: 'web-2' }, '@timestamp': '2026-05-03T10:00:00.000Z', alert: { status: 'closed', detected_at: '2026-05-03T10:00:01.000Z' } }),
        alert(low, 'c', { host: { name: 'web-1' }, '@timestamp': '2026-05-04T10:00:00.000Z', alert: { status: 'open', detected_at: '2026-05-04T10:00:01.000Z' } }),
      ]);
      await refresh();
      const events = async (search: Omit<Parameters<DetectionStore['searchAlerts']>[0], 'size'>) =>
        (await store.searchAlerts({ size: 10, query: parseQuery(m), ...search })).alerts.map((found) => found.alert.event.id);
      expect(await events({})).toEqual(['c', 'b', 'a']);
      expect(await events({ query: parseQuery(`${m} host.name:web-1`) })).toEqual(['c', 'a']);
      expect(await events({ query: parseQuery(`${m} high`) })).toEqual(['b', 'a']);
      expect(await events({ ruleId: low.id })).toEqual(['c']);
      expect(await events({ level: 'high' })).toEqual(['b', 'a']);
      expect(await events({ status: 'open' })).toEqual(['c', 'a']);
      expect(await events({ from: '2026-05-03T00:00:00.000Z', to: '2026-05-03T23:59:59.999Z' })).toEqual(['b']);
      const page = await store.searchAlerts({ size: 1, query: parseQuery(m) });
      expect(page.total).toBe(3);
      expect(page.alerts).toHaveLength(1);
    });
  });
}
