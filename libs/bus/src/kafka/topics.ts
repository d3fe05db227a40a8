import type { Kafka } from 'kafkajs';
import { BusError, BusErrorCodes } from '../errors';
import type { TopicSpec } from '../types';

/** Creates the topics that are missing; existing ones are left as they are. Returns the names created. */
export async function ensureKafkaTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor })),
    });
    return missing.map((spec) => spec.topic);
  } catch (cause) {
    throw new BusError(
      BusErrorCodes.topicSetupFailed,
      `Could not create the topics ${specs.map((s) => s.topic).join(', ')}: ${(cause as Error).message}. Check that the brokers are reachable and that this client may create topics, or create them by hand.`,
      { cause, retryable: true },
    );
  } finally {
    await admin.disconnect();
  }
}
