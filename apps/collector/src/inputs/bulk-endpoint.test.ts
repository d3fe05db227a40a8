import { describe, expect, it } from 'vitest';
import { buildHttpInput } from './http-server';
import { recordingContext } from './test-context';

const ndjson = (...lines: unknown[]) => `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
const server = (context = recordingContext()) => buildHttpInput({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024, requestTimeoutMs: 60_000, apiKeys: [], authFailuresPerMinute: 20 }, context);

describe('POST /_bulk', () => {
  it('accepts Filebeat 8 create actions and answers in Elasticsearch shape, keeping each source as sent', async () => {
    const context = recordingContext();
    const source = '{"@timestamp":"2026-11-23T10:00:00.000Z","message":"hello","agent":{"type":"filebeat"}}';
    const response = await server(context).inject({
      method: 'POST',
      url: '/_bulk',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      payload: ndjson({ create: { _index: 'filebeat-8.11.0' } }, source, { create: { _index: 'filebeat-8.11.0', _id: 'my-id' } }, { message: 'second' }),
    });
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.errors).toBe(false);
    expect(typeof answer.took).toBe('number');
    expect(answer.items).toHaveLength(2);
    expect(answer.items[0]).toEqual({
      create: { _index: 'filebeat-8.11.0', _id: expect.stringMatching(/^[\w-]{20}$/), _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1, status: 201 },
    });
    expect(answer.items[1].create).toMatchObject({ _id: 'my-id', _seq_no: 1, status: 201 });
    expect(context.records.map((r) => [r.payload.toString(), r.input, r.targetIndex])).toEqual([
      [source, 'http_bulk', 'filebeat-8.11.0'],
      ['{"message":"second"}', 'http_bulk', 'filebeat-8.11.0'],
    ]);
  });

  it('accepts Fluent Bit index actions with _type, and the index from the path', async () => {
    const context = recordingContext();
    const app = server(context);
    const old = await app.inject({ method: 'POST', url: '/_bulk', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson({ index: { _index: 'fluent-bit', _type: '_doc' } }, { log: 'a' }) });
    expect(old.json().items[0].index).toMatchObject({ _index: 'fluent-bit', status: 201, result: 'created' });
    const pathIndex = await app.inject({ method: 'PUT', url: '/vector-2026.11.23/_bulk', payload: ndjson({ index: {} }, { log: 'b' }) });
    expect(pathIndex.json().items[0].index._index).toBe('vector-2026.11.23');
    expect(context.records.map((r) => r.targetIndex)).toEqual(['fluent-bit', 'vector-2026.11.23']);
  });

  it('answers a per-item mapper_parsing_exception for a source that is not a JSON object, accepting its neighbours', async () => {
    const context = recordingContext();
    const response = await server(context).inject({
      method: 'POST',
      url: '/_bulk',
      payload: ndjson({ create: { _index: 'logs' } }, { n: 1 }, { create: { _index: 'logs' } }, '{"n": broken', { create: { _index: 'logs' } }, '"a string"', { create: { _index: 'logs' } }, { n: 4 }),
    });
    const answer = response.json();
    expect(response.statusCode).toBe(200);
    expect(answer.errors).toBe(true);
    expect(answer.items.map((item: { create: { status: number } }) => item.create.status)).toEqual([201, 400, 400, 201]);
    expect(answer.items[1].create).toEqual({ _index: 'logs', _id: expect.any(String), status: 400, error: { type: 'mapper_parsing_exception', reason: expect.stringMatching(/^failed to parse/) } });
    expect(context.records.map((r) => r.payload.toString())).toEqual(['{"n":1}', '{"n":4}']);
  });

  it('answers delete and update with a per-item error, since events are not changed after the fact', async () => {
    const context = recordingContext();
    const response = await server(context).inject({ method: 'POST', url: '/_bulk', payload: ndjson({ delete: { _index: 'logs', _id: '1' } }, { update: { _index: 'logs', _id: '2' } }, { doc: { a: 1 } }, { index: { _index: 'logs' } }, { a: 2 }) });
    const items = response.json().items;
    expect(items[0].delete).toMatchObject({ _id: '1', status: 400, error: { type: 'illegal_argument_exception' } });
    expect(items[1].update).toMatchObject({ _id: '2', status: 400, error: { type: 'illegal_argument_exception' } });
    expect(items[2].index.status).toBe(201);
    expect(context.records).toHaveLength(1);
  });

  it('refuses the whole request with 400 in Elasticsearch shape for a broken action line, accepting nothing', async () => {
    const cases: [string, string][] = [
      [ndjson({ create: { _index: 'logs' } }, { a: 1 }, '{"create": {"_index": "logs"', { a: 2 }), 'x_content_parse_exception'],
      [ndjson({ upsert: { _index: 'logs' } }, { a: 1 }), 'illegal_argument_exception'],
      [ndjson({ create: {} }, { a: 1 }), 'action_request_validation_exception'],
      [ndjson({ create: { _index: 'logs' } }), 'illegal_argument_exception'],
    ];
    for (const [payload, type] of cases) {
      const context = recordingContext();
      const response = await server(context).inject({ method: 'POST', url: '/_bulk', payload });
      expect(response.statusCode, payload).toBe(400);
      const body = response.json();
      expect(body.status).toBe(400);
      expect(body.error).toMatchObject({ type, code: 'SIEM_COLLECTOR_BAD_BULK_REQUEST', root_cause: [{ type }] });
      expect(context.records).toEqual([]);
    }
    const broken = await server().inject({ method: 'POST', url: '/_bulk', payload: cases[0]![0] });
    expect(broken.json().error.reason).toContain('line [3]');
  });

  it('cuts a source over the message limit and flags the record', async () => {
    const context = recordingContext({ maxMessageBytes: 256 });
    await server(context).inject({ method: 'POST', url: '/_bulk', payload: ndjson({ create: { _index: 'logs' } }, { message: 'y'.repeat(1000) }) });
    expect(context.records.map((r) => [r.payload.length, r.truncated])).toEqual([[256, true]]);
  });

  it('answers 429 with Retry-After while the bus is backed up, as Elasticsearch does when overloaded', async () => {
    const response = await server(recordingContext({ isBackedUp: () => true })).inject({ method: 'POST', url: '/_bulk', payload: ndjson({ create: { _index: 'logs' } }, { a: 1 }) });
    expect([response.statusCode, response.headers['retry-after'], response.json().error.type]).toEqual([429, '5', 'es_rejected_execution_exception']);
  });
});
