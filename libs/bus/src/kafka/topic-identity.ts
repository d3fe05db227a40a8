import { createHash } from 'node:crypto';
import net from 'node:net';
import { BusError, BusErrorCodes } from '../errors';

/**
 * Kafka's cluster id and a topic's id (KIP-516, Kafka 2.8+). A topic deleted and created
 * again under the same name gets a new id, a new cluster a new cluster id, and both restart
 * offsets at 0: together they tell incarnations of "the same" partition apart.
 *
 * kafkajs 2.2 speaks Metadata up to v6, which carries no topic ids, so this module sends one
 * Metadata v11 request (the first flexible version that returns them) over its own connection.
 */
export interface TopicIdentity {
  readonly clusterId: string;
  /** Base64url of the topic's UUID, as Kafka's own tools print it. */
  readonly topicId: string;
}

const METADATA_API_KEY = 3;
const METADATA_VERSION = 11;
const NO_ERROR = 0;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const EMPTY_UUID = Buffer.alloc(16);
/** A response larger than this is not a metadata answer for one topic. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** A short token for the identity: 96 bits, so that an id built from it stays in one SHA-256 block. */
export function incarnationToken(identity: TopicIdentity): string {
  return createHash('sha256').update(`${identity.clusterId}/${identity.topicId}`).digest('base64url').slice(0, 16);
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Metadata request v11 (header v2) for one topic, size prefix included. */
export function encodeMetadataRequest(topic: string, clientId: string, correlationId: number): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const name = Buffer.from(topic, 'utf8');
  const header = Buffer.alloc(10);
  header.writeInt16BE(METADATA_API_KEY, 0);
  header.writeInt16BE(METADATA_VERSION, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(client.length, 8);
  const body = Buffer.concat([
    header,
    client,
    uvarint(0), // header tagged fields
    uvarint(2), // one topic (compact arrays count n + 1)
    EMPTY_UUID,
    uvarint(name.length + 1),
    name,
    uvarint(0), // topic tagged fields
    Buffer.from([0, 0]), // allow_auto_topic_creation, include_topic_authorized_operations
    uvarint(0),
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}
  int8(): number {
    return this.buffer.readInt8(this.take(1));
  }
  int16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }
  int32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }
  bytes(length: number): Buffer {
    const start = this.take(length);
    return this.buffer.subarray(start, start + length);
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer.readUInt8(this.take(1));
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new RangeError('An unsigned varint runs past 5 bytes.');
  }
  /** COMPACT_NULLABLE_STRING: length + 1, 0 for null. */
  compactString(): string | undefined {
    const length = this.uvarint() - 1;
    return length < 0 ? undefined : this.bytes(length).toString('utf8');
  }
  /** COMPACT_ARRAY: count + 1, 0 for null. */
  compactArray<T>(item: () => T): T[] {
    const count = this.uvarint() - 1;
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item());
    return items;
  }
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.bytes(this.uvarint());
    }
  }
  private take(length: number): number {
    if (this.at + length > this.buffer.length) throw new RangeError(`The response ends at byte ${this.buffer.length}, before the ${length} bytes expected at ${this.at}.`);
    const start = this.at;
    this.at += length;
    return start;
  }
}

export interface MetadataAnswer {
  readonly clusterId: string | undefined;
  readonly topics: readonly { readonly errorCode: number; readonly name: string | undefined; readonly topicId: Buffer }[];
}

/** Metadata response v11 after its size prefix: correlation id, header tagged fields, then the body. */
export function decodeMetadataResponse(response: Buffer, correlationId: number): MetadataAnswer {
  const reader = new Reader(response);
  const answered = reader.int32();
  if (answered !== correlationId) throw new RangeError(`The broker answered correlation id ${answered}, not ${correlationId}.`);
  reader.taggedFields();
  reader.int32(); // throttle_time_ms
  reader.compactArray(() => {
    reader.int32();
    reader.compactString();
    reader.int32();
    reader.compactString();
    reader.taggedFields();
  });
  const clusterId = reader.compactString();
  reader.int32(); // controller_id
  const topics = reader.compactArray(() => {
    const errorCode = reader.int16();
    const name = reader.compactString();
    const topicId = Buffer.from(reader.bytes(16));
    reader.int8(); // is_internal
    reader.compactArray(() => {
      reader.int16();
      reader.int32();
      reader.int32();
      reader.int32();
      for (let list = 0; list < 3; list++) reader.compactArray(() => reader.int32());
      reader.taggedFields();
    });
    reader.int32(); // topic_authorized_operations
    reader.taggedFields();
    return { errorCode, name, topicId };
  });
  return { clusterId, topics };
}

/** One request and its answer on a fresh connection to `broker` (host:port). */
function exchange(broker: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
  const separator = broker.lastIndexOf(':');
  const host = broker.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  const port = Number(broker.slice(separator + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (size < 0 || size > MAX_RESPONSE_BYTES) return fail(new Error(`the answer announces ${size} bytes`));
      if (received.length < 4 + size) return;
      socket.end();
      resolve(received.subarray(4, 4 + size));
    });
    // A broker closes the connection on a request version it does not know.
    socket.on('end', () => fail(new Error('the broker closed the connection without an answer (Metadata v11 needs Kafka 2.8 or later)')));
    socket.on('error', fail);
  });
}

/**
 * The cluster id and `topic`'s id, from the first broker of `brokers` that answers.
 * SIEM_BUS_TOPIC_IDENTITY (retryable) when none does or the topic is missing.
 */
export async function describeTopicIdentity(brokers: readonly string[], topic: string, options: { readonly clientId: string; readonly timeoutMs?: number }): Promise<TopicIdentity> {
  const failures: string[] = [];
  for (const broker of brokers) {
    const correlationId = Math.floor(Math.random() * 0x7fffffff);
    try {
      const answer = decodeMetadataResponse(await exchange(broker, encodeMetadataRequest(topic, options.clientId, correlationId), options.timeoutMs ?? 10_000), correlationId);
      const entry = answer.topics.find((candidate) => candidate.name === topic);
      if (!entry || entry.errorCode === UNKNOWN_TOPIC_OR_PARTITION) {
        failures.push(`${broker}: no topic ${topic}`);
        continue;
      }
      // A topic without leaders yet (LEADER_NOT_AVAILABLE) already has its id.
      if (entry.topicId.equals(EMPTY_UUID) || answer.clusterId === undefined) {
        failures.push(`${broker}: no topic id or cluster id in the answer (error code ${entry.errorCode}; topic ids need Kafka 2.8 or later, in KRaft or with ZooKeeper)`);
        continue;
      }
      if (entry.errorCode !== NO_ERROR) failures.push(`${broker}: error code ${entry.errorCode}, id taken anyway`);
      return { clusterId: answer.clusterId, topicId: entry.topicId.toString('base64url') };
    } catch (error) {
      failures.push(`${broker}: ${(error as Error).message}`);
    }
  }
  throw new BusError(
    BusErrorCodes.topicIdentity,
    `Could not read the cluster id and the id of topic ${topic}, which keep event ids apart when the topic or cluster is recreated (${failures.join('; ')}). Check that the brokers are reachable and run Kafka 2.8 or later, and that the topic exists.`,
    { retryable: true },
  );
}
