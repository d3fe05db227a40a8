import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDeadLetter, ActionDeadLetterStore } from './types';

/** What every ActionDeadLetterStore does alike (embedded in a unit test, OpenSearch in an integration test). */
export function describeActionDeadLetterConformance(name: string, makeStore: () => Promise<ActionDeadLetterStore>): void {
  describe(`${name} – action dead-letter conformance`, () => {
    let store: ActionDeadLetterStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureReady();
    });
    afterAll(async () => {
      await store?.close();
    });

    const letter = (ruleId: string, failedAt: string, tenant = 'default'): ActionDeadLetter => ({
      id: randomUUID(),
      failed_at: failedAt,
      rule_id: ruleId,
      tenant,
      alert_id: `alert-${randomUUID()}`,
      action: { id: 'pager', type: 'webhook', url: 'http://127.0.0.1:9/hook' },
      payload: '{"alert_id":"a"}',
      attempts: 5,
      error: 'HTTP 503',
    });

    it('keeps, lists newest first by rule, reads and removes a failed notification', async () => {
      const ruleId = `rule-${randomUUID()}`;
      const older = letter(ruleId, '2026-05-01T10:00:00.000Z');
      const newer = letter(ruleId, '2026-05-01T11:00:00.000Z');
      await store.add(older);
      await store.add(newer);
      const page = await store.list({ size: 10, ruleId });
      expect(page.total).toBe(2);
      expect(page.letters.map((found) => found.id)).toEqual([newer.id, older.id]);
      expect(await store.get(older.id)).toEqual(older);
      expect(await store.remove(older.id)).toBe(true);
      expect(await store.remove(older.id)).toBe(false);
      expect(await store.get(older.id)).toBeUndefined();
      expect((await store.list({ size: 1, ruleId })).letters).toHaveLength(1);
    });

    it("lists a tenant's dead letters only", async () => {
      const ruleId = `rule-${randomUUID()}`;
      const ours = letter(ruleId, '2026-05-01T10:00:00.000Z', 'acme');
      await store.add(ours);
      await store.add(letter(ruleId, '2026-05-01T10:01:00.000Z', 'globex'));
      expect((await store.list({ size: 10, ruleId, tenant: 'acme' })).letters.map((found) => found.id)).toEqual([ours.id]);
      expect((await store.list({ size: 10, ruleId })).total).toBe(2);
    });
  });
}
