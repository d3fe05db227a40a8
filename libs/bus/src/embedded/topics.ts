import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BusError, BusErrorCodes } from '../errors';
import type { TopicSpec } from '../types';
import { silentLogger, type BusLogger } from './logger';
import { busDir, isValidTopicName, partitionDir, topicDir } from './layout';
import { isStorageFailure, storageUnavailable, syncDirectory } from './storage';

interface TopicMetadata {
  readonly partitions: number;
}

function metadataPath(dataDir: string, topic: string): string {
  return path.join(topicDir(dataDir, topic), 'topic.json');
}

/** Writes `text` to `target` unless it exists; link() lets exactly one of racing processes win. Returns whether this one did. */
async function publishOnce(target: string, text: string): Promise<boolean> {
  const staged = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(staged, text, { flush: true });
  try {
    await link(staged, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(staged);
  }
}

/**
 * Creates the topics that are missing, each a folder with a topic.json that
 * fixes its partition count; returns the names created. An existing topic
 * keeps its partition count even when the spec asks for another (logged):
 * re-partitioning would move keys to other partitions. The replication
 * factor means nothing on one disk and is ignored.
 */
export async function ensureEmbeddedTopics(dataDir: string, specs: readonly TopicSpec[], logger: BusLogger = silentLogger): Promise<string[]> {
  const created: string[] = [];
  for (const spec of specs) {
    if (!isValidTopicName(spec.topic)) {
      throw new BusError(BusErrorCodes.topicSetupFailed, `"${spec.topic}" is not a valid topic name; use 1 to 249 of the characters a-z, A-Z, 0-9, ".", "_" and "-".`, { retryable: false });
    }
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new BusError(BusErrorCodes.topicSetupFailed, `Topic ${spec.topic} needs a whole number of partitions of at least 1, not ${spec.partitions}.`, { retryable: false });
    }
    try {
      if (await createTopic(dataDir, spec)) {
        created.push(spec.topic);
        continue;
      }
    } catch (error) {
      if (isStorageFailure(error)) throw storageUnavailable(topicDir(dataDir, spec.topic), error, false);
      throw error;
    }
    const existing = await readPartitionCount(dataDir, spec.topic);
    if (existing !== spec.partitions) {
      logger.warn(
        { topic: spec.topic, partitions: existing, requestedPartitions: spec.partitions },
        'The topic already exists with another partition count; it keeps its own, since re-partitioning would move keys between partitions.',
      );
    }
  }
  return created;
}

/** Publishes topic.json with link(), which fails if another process created the topic first: exactly one creator wins. */
async function createTopic(dataDir: string, spec: TopicSpec): Promise<boolean> {
  const dir = topicDir(dataDir, spec.topic);
  await mkdir(dir, { recursive: true });
  for (let partition = 0; partition < spec.partitions; partition++) await mkdir(partitionDir(dataDir, spec.topic, partition), { recursive: true });
  // Before topic.json, so that whoever finds the topic finds its incarnation too.
  await readTopicIncarnation(dataDir, spec.topic);
  const metadata: TopicMetadata = { partitions: spec.partitions };
  if (!(await publishOnce(metadataPath(dataDir, spec.topic), `${JSON.stringify(metadata)}\n`))) return false;
  await syncDirectory(dir);
  await syncDirectory(busDir(dataDir));
  return true;
}

/** The partition count from topic.json; SIEM_BUS_UNKNOWN_TOPIC when the topic was never created. */
export async function readPartitionCount(dataDir: string, topic: string): Promise<number> {
  if (!isValidTopicName(topic)) throw unknownTopic(topic, `"${topic}" is not a valid topic name`);
  const file = metadataPath(dataDir, topic);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw unknownTopic(topic, `no ${file}`, error);
    throw storageUnavailable(file, error, false);
  }
  let partitions: unknown;
  try {
    partitions = (JSON.parse(text) as Partial<TopicMetadata>).partitions;
  } catch (cause) {
    partitions = cause;
  }
  if (!Number.isInteger(partitions) || (partitions as number) < 1) {
    throw new BusError(BusErrorCodes.topicSetupFailed, `${file} does not hold a valid partition count; restore it as {"partitions": <n>} with the count the topic was created with.`, { retryable: false });
  }
  return partitions as number;
}

function unknownTopic(topic: string, why: string, cause?: unknown): BusError {
  return new BusError(
    BusErrorCodes.unknownTopic,
    `The embedded bus has no topic "${topic}" (${why}). Create it with ensureEmbeddedTopics, as the collector and processor do at start, or check the topic name.`,
    { cause, retryable: false },
  );
}

/**
 * The topic's incarnation token (ConsumedMessage.incarnation): random, written once into the
 * topic's folder, so a topic or bus directory deleted and created again gets a new one. A topic
 * created before tokens existed gets one the first time it is asked.
 */
export function readTopicIncarnation(dataDir: string, topic: string): Promise<string> {
  return readIncarnationIn(topicDir(dataDir, topic), topic);
}

/** readTopicIncarnation for the topic folder `folder`. */
export async function readIncarnationIn(folder: string, topic: string): Promise<string> {
  const file = path.join(folder, 'incarnation');
  for (;;) {
    try {
      const token = (await readFile(file, 'utf8')).trim();
      if (/^[A-Za-z0-9_-]{16}$/.test(token)) return token;
      throw new BusError(BusErrorCodes.topicSetupFailed, `${file} does not hold an incarnation token (16 base64url characters); delete it only together with the topic's records, since a new token makes new event ids.`, { retryable: false });
    } catch (error) {
      if (error instanceof BusError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw storageUnavailable(file, error, false);
    }
    try {
      if (await publishOnce(file, `${randomBytes(12).toString('base64url')}\n`)) await syncDirectory(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw unknownTopic(topic, `no folder ${folder}`, error);
      throw storageUnavailable(file, error, false);
    }
  }
}
