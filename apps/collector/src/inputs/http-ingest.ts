/**
 * `POST /ingest`: NDJSON (one record per line) or, with a JSON Content-Type
 * and a body starting with `[`, a JSON array (one record per element,
 * re-serialised compactly), or with `Content-Type: text/plain` one text line
 * per record (log file lines, for the processor's format detection), not
 * checked as JSON. The 2xx is sent only once every record is durable
 * in the bus. A line that is not a JSON object is named in `rejected` with its
 * line number, and still sent on: the processor keeps it as a searchable,
 * replayable dead letter, so nothing the sender sent is lost while it fixes
 * and resends the line. Over-long lines are cut, flagged and listed in `truncated`.
 */
import type { FastifyInstance } from 'fastify';
import type { RawRecord } from '@siem/schema';
import { backedUp, busUnavailable, HttpInputErrorCodes, sendHttpError } from './http-errors';
import type { InputContext } from './input';
import { limitMessage } from './message-limit';
import { isJsonObject, notAJsonObject, splitLines } from './ndjson-lines';
import { normalizePeerAddress } from './peer-address';
import { readRequestBody } from './request-body';
import { requestTenant } from './tenants';

export const NDJSON_INPUT = 'http_ndjson';

interface Rejection {
  readonly line?: number;
  readonly index?: number;
  readonly code: string;
  readonly message: string;
}

interface Item {
  readonly payload: Buffer;
  /** Where the item was in the body, for the answer: `line` (NDJSON) or `index` (array). */
  readonly position: { line: number } | { index: number };
  readonly problem?: { code: string; message: string };
}

const startsWithBracket = (body: Buffer): boolean => {
  for (const byte of body) {
    if (byte === 0x5b) return true;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return false;
};

function ndjsonItems(body: Buffer, plainText: boolean): Item[] {
  return splitLines(body).map(({ number, bytes }) => {
    if (plainText) return { payload: bytes, position: { line: number } };
    const problem = notAJsonObject(bytes.toString('utf8'));
    return { payload: bytes, position: { line: number }, ...(problem && { problem }) };
  });
}

function arrayItems(elements: unknown[]): Item[] {
  return elements.map((element, index) => ({
    payload: Buffer.from(JSON.stringify(element)),
    position: { index },
    ...(!isJsonObject(element) && { problem: { code: 'SIEM_PARSE_NOT_AN_OBJECT', message: `A JSON ${Array.isArray(element) ? 'array' : element === null ? 'null' : typeof element}, not an object.` } }),
  }));
}

export function registerIngestRoute(app: FastifyInstance, context: InputContext, maxBodyBytes: number): void {
  app.post('/ingest', async (request, reply) => {
    if (context.isBackedUp()) return sendHttpError(reply, backedUp(503));
    const read = await readRequestBody(request, maxBodyBytes);
    if (!read.ok) return sendHttpError(reply, read.error);

    let items: Item[];
    const contentType = request.headers['content-type'] ?? '';
    if (/json/i.test(contentType) && !/ndjson/i.test(contentType) && startsWithBracket(read.body)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(read.body.toString('utf8'));
      } catch (error) {
        return sendHttpError(reply, {
          status: 400,
          code: HttpInputErrorCodes.invalidJsonBody,
          message: `The body starts with "[" but is not a valid JSON array (${(error as Error).message}); nothing was accepted. Send a valid array, or NDJSON.`,
          type: 'parse_exception',
        });
      }
      items = arrayItems(parsed as unknown[]);
    } else {
      items = ndjsonItems(read.body, /^text\/plain\b/i.test(contentType));
    }

    const receivedAt = new Date().toISOString();
    const sourceAddress = normalizePeerAddress(request.ip);
    const tenant = requestTenant(request);
    const rejected: Rejection[] = [];
    const truncated: number[] = [];
    const records: RawRecord[] = items.map((item) => {
      const limited = limitMessage(item.payload, context.maxMessageBytes);
      const where = 'line' in item.position ? item.position.line : item.position.index;
      if (item.problem) {
        rejected.push({ ...item.position, code: item.problem.code, message: `${item.problem.message} It is kept as a dead letter; fix it and send it again.` });
        context.rejected(NDJSON_INPUT, item.problem.code === 'SIEM_PARSE_INVALID_JSON' ? 'invalid_json' : 'not_an_object');
      }
      if (limited.truncated) {
        truncated.push(where);
        context.rejected(NDJSON_INPUT, 'truncated');
      }
      // Copied: the decoded body would otherwise stay referenced by every record until the batch is sent.
      return { payload: Buffer.from(limited.payload), receivedAt, sourceAddress, input: NDJSON_INPUT, ...tenant, ...(limited.truncated && { truncated: true }) };
    });
    try {
      await context.accept(records);
    } catch {
      return sendHttpError(reply, busUnavailable);
    }
    return reply.code(200).send({ accepted: records.length - rejected.length, ...(rejected.length > 0 && { rejected }), ...(truncated.length > 0 && { truncated }) });
  });
}
