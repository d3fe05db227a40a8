import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';

/**
 * Every name a test creates in the shared Kafka and OpenSearch starts with this, and the
 * product's own names (`siem-events-*`, `siem.raw`) never do: a leftover of a test run can
 * then never overlap the product's index template, and one pattern finds all leftovers.
 */
export const SCRATCH_PREFIX = 'siemtest';

/** Names of one test run's topics, consumer group and event indices. */
export interface ScratchNames {
  readonly runId: string;
  readonly indexPrefix: string;
  readonly rawTopic: string;
  readonly deadLetterTopic: string;
  readonly alertsTopic: string;
  readonly agentsTopic: string;
  readonly signalsTopic: string;
  readonly consumerGroup: string;
}

export function scratchNames(runId = randomBytes(4).toString('hex')): ScratchNames {
  return {
    runId,
    indexPrefix: `${SCRATCH_PREFIX}-${runId}-`,
    rawTopic: `${SCRATCH_PREFIX}.${runId}.raw`,
    deadLetterTopic: `${SCRATCH_PREFIX}.${runId}.dlq`,
    alertsTopic: `${SCRATCH_PREFIX}.${runId}.alerts`,
    agentsTopic: `${SCRATCH_PREFIX}.${runId}.agents`,
    signalsTopic: `${SCRATCH_PREFIX}.${runId}.signals`,
    consumerGroup: `${SCRATCH_PREFIX}-${runId}-processor`,
  };
}

/**
 * Deletes the indices and index templates under `indexPrefix` (the store names its template
 * `<prefix>events`), and the rule and alert indices beside them (`siemtest-1a2b3c4d.rules` for
 * `siemtest-1a2b3c4d-`, see detectionIndexNames).
 */
export async function removeOpenSearchScratch(opensearchUrl: string, indexPrefix: string): Promise<void> {
  if (!indexPrefix.startsWith(SCRATCH_PREFIX)) throw new Error(`Refusing to delete ${indexPrefix}*: only test names (${SCRATCH_PREFIX}…) are removed.`);
  const detection = `${indexPrefix.replace(/[-_.]+$/, '')}.*`;
  for (const path of [`${indexPrefix}*,${detection}?expand_wildcards=all`, `_index_template/${indexPrefix}*`]) {
    const response = await fetch(`${opensearchUrl}/${path}`, { method: 'DELETE' });
    if (!response.ok && response.status !== 404) throw new Error(`DELETE ${path} answered ${response.status}: ${await response.text()}`);
  }
}

/** Deletes test topics and consumer groups; names that do not exist (any more) are skipped. */
export async function removeKafkaScratch(kafkaBrokers: string, topics: readonly string[], groups: readonly string[] = []): Promise<void> {
  const names = [...topics, ...groups];
  const foreign = names.find((name) => !name.startsWith(SCRATCH_PREFIX));
  if (foreign !== undefined) throw new Error(`Refusing to delete ${foreign}: only test names (${SCRATCH_PREFIX}…) are removed.`);
  const admin = new kafkajs.Kafka({ clientId: 'siemtest-cleanup', brokers: kafkaBrokers.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existingTopics = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existingTopics.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 });
    if (groups.length > 0) await deleteGroupsOnceEmpty(admin, groups);
  } finally {
    await admin.disconnect();
  }
}

type GroupFailure = { groupId?: string; error?: { type?: string } };

/**
 * Deletes consumer groups. A group that never committed, or whose offsets went with its
 * topics, is already gone; one whose members have not yet left after their apps stopped
 * (NON_EMPTY_GROUP until the broker ends their sessions) is tried again for up to 60 s.
 */
async function deleteGroupsOnceEmpty(admin: kafkajs.Admin, groups: readonly string[]): Promise<void> {
  let pending = [...groups];
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await admin.deleteGroups(pending);
      return;
    } catch (error) {
      const failures = ((error as { groups?: GroupFailure[] }).groups ?? []).filter((group) => group.error?.type !== 'GROUP_ID_NOT_FOUND');
      if (failures.length === 0 && (error as { groups?: unknown }).groups !== undefined) return;
      const stillBusy = failures.length > 0 && failures.every((group) => group.error?.type === 'NON_EMPTY_GROUP');
      if (!stillBusy || Date.now() > deadline) {
        const detail = failures.map((group) => `${group.groupId}: ${group.error?.type}`).join(', ');
        throw new Error(`Could not delete the test consumer groups (${detail || String(error)}).`, { cause: error });
      }
      pending = failures.map((group) => group.groupId!).filter(Boolean);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
