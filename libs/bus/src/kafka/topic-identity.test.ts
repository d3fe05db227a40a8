import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMetadataResponse, describeTopicIdentity, encodeMetadataRequest, incarnationToken } from './topic-identity';

/** Compact encodings of the Kafka protocol (KIP-482): lengths and counts as unsigned varints of n + 1. */
const compactString = (text: string | null) => (text === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([Buffer.byteLength(text) + 1]), Buffer.from(text)]));
const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const NO_TAGS = Buffer.from([0]);
const TOPIC_UUID = Buffer.from('31ee9a834a2a4acdac80d2d1f7035d93', 'hex');

/** A Metadata v11 answer (response header v1, size prefix left out) with one broker and one topic of one partition. */
function metadataAnswer(correlationId: number, topic: { name: string; errorCode: number; id: Buffer }, clusterId: string | null = '2pmL9jgV4fz3-zCcncpfmQ'): Buffer {
  return Buffer.concat([
    int32(correlationId),
    NO_TAGS,
    int32(0), // throttle
    Buffer.from([2]), // one broker
    int32(1),
    compactString('127.0.0.1'),
    int32(19092),
    compactString(null),
    NO_TAGS,
    compactString(clusterId),
    int32(1), // controller
    Buffer.from([2]), // one topic
    int16(topic.errorCode),
    compactString(topic.name),
    topic.id,
    Buffer.from([0]), // not internal
    Buffer.from([2]), // one partition
    int16(0),
    int32(0),
    int32(1),
    int32(0),
    Buffer.from([2]),
    int32(1),
    Buffer.from([2]),
    int32(1),
    Buffer.from([1]),
    NO_TAGS,
    int32(-2147483648), // authorized operations not asked
    NO_TAGS,
    NO_TAGS,
  ]);
}

describe('Metadata v11', () => {
  it('encodes a request for one topic by name, with the flexible header and no auto-creation', () => {
    const request = encodeMetadataRequest('siem.raw', 'siem-processor', 7);
    const expected = Buffer.concat([int16(3), int16(11), int32(7), int16(14), Buffer.from('siem-processor'), NO_TAGS, Buffer.from([2]), Buffer.alloc(16), compactString('siem.raw'), NO_TAGS, Buffer.from([0, 0]), NO_TAGS]);
    expect(request.readInt32BE(0)).toBe(expected.length);
    expect(request.subarray(4)).toEqual(expected);
  });

  it('decodes the cluster id and the topic id', () => {
    const answer = decodeMetadataResponse(metadataAnswer(7, { name: 'siem.raw', errorCode: 0, id: TOPIC_UUID }), 7);
    expect(answer.clusterId).toBe('2pmL9jgV4fz3-zCcncpfmQ');
    expect(answer.topics).toEqual([{ errorCode: 0, name: 'siem.raw', topicId: TOPIC_UUID }]);
  });

  it('refuses an answer to another request and a truncated one', () => {
    expect(() => decodeMetadataResponse(metadataAnswer(8, { name: 'siem.raw', errorCode: 0, id: TOPIC_UUID }), 7)).toThrow(/correlation id 8/);
    const whole = metadataAnswer(7, { name: 'siem.raw', errorCode: 0, id: TOPIC_UUID });
    expect(() => decodeMetadataResponse(whole.subarray(0, whole.length - 10), 7)).toThrow(RangeError);
  });
});

describe('describeTopicIdentity', () => {
  const servers: net.Server[] = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  /** A one-shot broker that answers each request with `answer(correlationId)`, or closes the connection when it returns undefined. */
  async function broker(answer: (correlationId: number) => Buffer | undefined): Promise<string> {
    const server = net.createServer((socket) => {
      socket.once('data', (request: Buffer) => {
        const body = answer(request.readInt32BE(8));
        if (!body) return socket.end();
        socket.write(Buffer.concat([int32(body.length), body]));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  it('returns the ids in the form Kafka prints them, from the first broker that knows the topic', async () => {
    const closing = await broker(() => undefined);
    const answering = await broker((id) => metadataAnswer(id, { name: 'siem.raw', errorCode: 0, id: TOPIC_UUID }));
    const identity = await describeTopicIdentity([closing, answering], 'siem.raw', { clientId: 'test' });
    expect(identity).toEqual({ clusterId: '2pmL9jgV4fz3-zCcncpfmQ', topicId: TOPIC_UUID.toString('base64url') });
    expect(incarnationToken(identity)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(incarnationToken(identity)).not.toBe(incarnationToken({ ...identity, topicId: 'TM6kgW5GSd-pCOZ6hqt7qg' }));
  });

  it('fails with SIEM_BUS_TOPIC_IDENTITY, saying why for each broker, when the topic is unknown or has no id', async () => {
    const unknown = await broker((id) => metadataAnswer(id, { name: 'siem.raw', errorCode: 3, id: Buffer.alloc(16) }));
    const old = await broker((id) => metadataAnswer(id, { name: 'siem.raw', errorCode: 0, id: Buffer.alloc(16) }));
    const failure = await describeTopicIdentity([unknown, old], 'siem.raw', { clientId: 'test' }).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string; retryable: boolean },
    );
    expect(failure).toMatchObject({ code: 'SIEM_BUS_TOPIC_IDENTITY', retryable: true });
    expect(failure!.message).toContain(`${unknown}: no topic siem.raw`);
    expect(failure!.message).toContain(`${old}: no topic id`);
  });
});
