import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where things live under the data directory:
 *
 *   <dataDir>/bus/<topic>/topic.json                          partition count
 *   <dataDir>/bus/<topic>/incarnation                         random token that event ids carry (topics.ts)
 *   <dataDir>/bus/<topic>/<partition>/<baseOffset:20>.log     segments, oldest first
 *   <dataDir>/bus/<topic>/<partition>/append.lock             held by the appending process
 *   <dataDir>/bus/<topic>/<partition>/durable-end             how far the partition is fsynced
 *   <dataDir>/bus/<topic>/<partition>/offsets/<group>.json    a group's committed position
 */
const SEGMENT_FILE = /^(\d{20})\.log$/;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function busDir(dataDir: string): string {
  return path.join(dataDir, 'bus');
}

/** Kafka's rule for topic names; it also keeps a name from escaping the bus directory. */
export function isValidTopicName(topic: string): boolean {
  return TOPIC_NAME.test(topic) && topic !== '.' && topic !== '..';
}

export function topicDir(dataDir: string, topic: string): string {
  return path.join(busDir(dataDir), topic);
}

export function partitionDir(dataDir: string, topic: string, partition: number): string {
  return path.join(topicDir(dataDir, topic), String(partition));
}

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export function segmentPath(dir: string, baseOffset: number): string {
  return path.join(dir, segmentFileName(baseOffset));
}

export function lockPath(dir: string): string {
  return path.join(dir, 'append.lock');
}

export function durableEndPath(dir: string): string {
  return path.join(dir, 'durable-end');
}

export function offsetsPath(dir: string, groupId: string): string {
  return path.join(dir, 'offsets', `${encodeURIComponent(groupId)}.json`);
}

/** Base offsets of a partition's segments, oldest first; none when the folder does not exist yet. */
export async function listSegments(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const bases: number[] = [];
  for (const name of names) {
    const match = SEGMENT_FILE.exec(name);
    if (match) bases.push(Number(match[1]));
  }
  return bases.sort((a, b) => a - b);
}
