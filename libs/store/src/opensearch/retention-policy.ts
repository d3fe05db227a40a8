/**
 * Deletion by age in OpenSearch. The store deletes the daily indices past the retention itself
 * (`OpenSearchStore.applyRetention`, at start and then periodically), which works on every
 * cluster. Where the Index State Management plugin is installed, the store also installs an
 * ISM policy that deletes them at the same age, so that the cluster keeps the retention while
 * no processor runs. The policy is versioned with the event template: a start installs the
 * running code's policy over an older one or one of another retention.
 */

/** Raised with every change of the policy's states. */
export const RETENTION_POLICY_VERSION = 1;
const ISM_PLUGIN = 'opensearch-index-management';

export function retentionPolicyId(prefix: string): string {
  return `${prefix}retention`;
}

/** The policy's description, which says what it does and which version wrote it: a start compares it to decide whether to update. */
export function retentionPolicyDescription(prefix: string, retentionDays: number): string {
  return `siem retention v${RETENTION_POLICY_VERSION}: deletes ${prefix}YYYY.MM.DD indices ${retentionDays} days after their creation`;
}

export function retentionPolicy(prefix: string, retentionDays: number, priority: number): Record<string, unknown> {
  return {
    policy: {
      description: retentionPolicyDescription(prefix, retentionDays),
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${retentionDays}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      // New daily indices are managed from their creation on.
      ism_template: [{ index_patterns: [`${prefix}*`], priority }],
    },
  };
}

/** Whether `_cat/plugins?format=json` lists the Index State Management plugin on some node. */
export function hasIndexManagement(plugins: readonly { component?: string }[]): boolean {
  return plugins.some((plugin) => plugin.component === ISM_PLUGIN);
}
