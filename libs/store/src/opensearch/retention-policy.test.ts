import { describe, expect, it } from 'vitest';
import { RETENTION_POLICY_VERSION, hasIndexManagement, retentionPolicy, retentionPolicyDescription, retentionPolicyId } from './retention-policy';

describe('retention policy', () => {
  it('deletes the daily indices of the prefix at the retention age, and manages new ones from their creation', () => {
    const body = retentionPolicy('siem-events-', 30, 200) as { policy: { description: string; default_state: string; states: unknown[]; ism_template: unknown[] } };
    expect(body.policy.default_state).toBe('hot');
    expect(body.policy.states).toEqual([
      { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: '30d' } }] },
      { name: 'delete', actions: [{ delete: {} }], transitions: [] },
    ]);
    expect(body.policy.ism_template).toEqual([{ index_patterns: ['siem-events-*'], priority: 200 }]);
    expect(retentionPolicyId('siem-events-')).toBe('siem-events-retention');
  });

  it('names its version and retention in the description, so that a start sees whether the installed one is current', () => {
    expect(retentionPolicyDescription('siem-events-', 30)).toContain(`v${RETENTION_POLICY_VERSION}`);
    expect(retentionPolicyDescription('siem-events-', 30)).not.toBe(retentionPolicyDescription('siem-events-', 31));
  });

  it('finds the Index State Management plugin in the _cat/plugins rows of any node', () => {
    expect(hasIndexManagement([])).toBe(false);
    expect(hasIndexManagement([{ component: 'opensearch-security' }])).toBe(false);
    expect(hasIndexManagement([{ component: 'opensearch-security' }, { component: 'opensearch-index-management' }])).toBe(true);
  });
});
