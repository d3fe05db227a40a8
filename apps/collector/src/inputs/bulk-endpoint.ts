/**
 * Elasticsearch-compatible `_bulk`, so Filebeat, Fluent Bit, Vector and
 * Logstash ship here unchanged. `index` and `create` sources become raw
 * records as sent (the addressed index travels beside them as
 * `targetIndex`); `delete` and `update` get a per-item error, since events in
 * a SIEM are not changed after the fact. The answer has Elasticsearch's
 * shape and is sent once every accepted source is durable in the bus.
 *
 * The `_id` in an answer is the sender's, or a random one: events are stored
 * under ids the pipeline derives, so a sender cannot overwrite an event.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawRecord } from '@siem/schema';
import { parseBulkRequest, type BulkItem } from './bulk-request';
import { backedUp, busUnavailable, HttpInputErrorCodes, sendHttpError } from './http-errors';
import type { InputContext } from './input';
import { limitMessage } from './message-limit';
import { notAJsonObject } from './ndjson-lines';
import { normalizePeerAddress } from './peer-address';
import { readRequestBody } from './request-body';
import { requestTenant } from './tenants';

export const BULK_INPUT = 'http_bulk';

const SHARDS = { total: 1, successful: 1, failed: 0 } as const;

type ItemAnswer = Record<string, Record<string, unknown>>;

function refused(item: BulkItem, id: string, type: string, reason: string): ItemAnswer {
  return { [item.action]: { _index: item.index, _id: id, status: 400, error: { type, reason } } };
}

export function registerBulkRoutes(app: FastifyInstance, context: InputContext, maxBodyBytes: number): void {
  let sequence = 0;

  const handle = async (request: FastifyRequest<{ Params: { index?: string } }>, reply: FastifyReply) => {
    const started = Date.now();
    if (context.isBackedUp()) return sendHttpError(reply, backedUp(429));
    const read = await readRequestBody(request, maxBodyBytes);
    if (!read.ok) return sendHttpError(reply, read.error);
    const bulk = parseBulkRequest(read.body, request.params.index);
    if (!bulk.ok) {
      context.rejected(BULK_INPUT, 'bad_request');
      return sendHttpError(reply, { status: 400, code: HttpInputErrorCodes.badBulkRequest, message: bulk.reason, type: bulk.type });
    }

    const receivedAt = new Date().toISOString();
    const sourceAddress = normalizePeerAddress(request.ip);
    const tenant = requestTenant(request);
    const records: RawRecord[] = [];
    const answers: ItemAnswer[] = bulk.items.map((item) => {
      const id = item.id ?? randomBytes(15).toString('base64url');
      if (item.action === 'delete' || item.action === 'update') {
        context.rejected(BULK_INPUT, item.action);
        return refused(item, id, 'illegal_argument_exception', `${item.action} is not supported: the SIEM keeps events as received; send index or create actions.`);
      }
      const problem = notAJsonObject(item.source!.toString('utf8'));
      if (problem) {
        context.rejected(BULK_INPUT, 'mapper_parsing');
        return refused(item, id, 'mapper_parsing_exception', `failed to parse: ${problem.message}`);
      }
      const limited = limitMessage(item.source!, context.maxMessageBytes);
      if (limited.truncated) context.rejected(BULK_INPUT, 'truncated');
      records.push({ payload: Buffer.from(limited.payload), receivedAt, sourceAddress, input: BULK_INPUT, targetIndex: item.index, ...tenant, ...(limited.truncated && { truncated: true }) });
      return { [item.action]: { _index: item.index, _id: id, _version: 1, result: 'created', _shards: SHARDS, _seq_no: sequence++, _primary_term: 1, status: 201 } };
    });
    try {
      await context.accept(records);
    } catch {
      return sendHttpError(reply, busUnavailable);
    }
    const errors = answers.some((answer) => Object.values(answer)[0]!.status !== 201);
    return reply.code(200).send({ took: Date.now() - started, errors, items: answers });
  };

  for (const url of ['/_bulk', '/:index/_bulk']) {
    app.post(url, handle);
    app.put(url, handle);
  }
}
