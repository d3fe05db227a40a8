import Fastify from 'fastify';
import type { RawRecord } from '@siem/schema';
import type { InputContext, RunningInput } from './input';
import { normalizePeerAddress } from './peer-address';

const BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/** Splits an NDJSON body into its non-empty lines, without decoding it (bytes stay untouched). */
export function splitLines(body: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    let lineEnd = end;
    if (lineEnd > start && body[lineEnd - 1] === 0x0d) lineEnd--;
    if (lineEnd > start && body.subarray(start, lineEnd).some((byte) => byte !== 0x20 && byte !== 0x09)) lines.push(body.subarray(start, lineEnd));
    start = end + 1;
  }
  return lines;
}

/**
 * `POST /ingest` with NDJSON: every line becomes one raw record. The 200 is sent
 * only once all of them are durable in the bus; a 503 with Retry-After says the
 * sender must retry the whole request.
 */
export async function startHttpIngest(host: string, port: number, context: InputContext): Promise<RunningInput> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/ingest', async (request, reply) => {
    if (context.isBackedUp()) {
      return reply.code(503).header('retry-after', '5').send({ error: { code: 'SIEM_COLLECTOR_BACKPRESSURE', message: 'The collector is waiting for the bus; retry in a few seconds.' } });
    }
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      return reply.code(400).send({ error: { code: 'SIEM_COLLECTOR_EMPTY_BODY', message: 'The request body is empty; send one JSON object per line (NDJSON).' } });
    }
    const receivedAt = new Date().toISOString();
    const sourceAddress = normalizePeerAddress(request.ip);
    const records: RawRecord[] = splitLines(body).map((line) => ({ payload: Buffer.from(line), receivedAt, sourceAddress, input: 'http_ndjson' }));
    try {
      await Promise.all(records.map((record) => context.accept(record)));
    } catch {
      return reply.code(503).header('retry-after', '5').send({ error: { code: 'SIEM_COLLECTOR_BUS_UNAVAILABLE', message: 'The events could not be made durable in the bus; retry the request.' } });
    }
    return reply.code(200).send({ accepted: records.length });
  });

  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return { name: 'http_ndjson', address: `http://${host}:${boundPort}/ingest`, close: () => app.close() };
}
