import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildHttpInput, startHttpInput, type HttpInputOptions } from './http-server';
import { recordingContext } from './test-context';

const KEY = 'k3y-0123456789abcdef';
const options = (extra: Partial<HttpInputOptions> = {}): HttpInputOptions => ({ host: '127.0.0.1', port: 0, maxBodyBytes: 64 * 1024, requestTimeoutMs: 60_000, apiKeys: [], authFailuresPerMinute: 20, ...extra });
const zstd = (data: Buffer): Buffer => execFileSync('zstd', ['-q', '-c'], { input: data });
const payloads = (context: ReturnType<typeof recordingContext>) => context.records.map((r) => r.payload.toString());

describe('POST /ingest', () => {
  it('accepts NDJSON and answers with the count once the records are handed over', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options(), context);
    const response = await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}\r\n\n{"b":2}\n' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 2 });
    expect(payloads(context)).toEqual(['{"a":1}', '{"b":2}']);
    expect(context.records[0]).toMatchObject({ input: 'http_ndjson', sourceAddress: '127.0.0.1' });
  });

  it('names each line that is not a JSON object by its line number and still hands it on, its neighbours untouched', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options(), context);
    const response = await app.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}\n\n{"broken\n[1,2]\n{"c":3}' });
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.accepted).toBe(2);
    expect(answer.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [3, 'SIEM_PARSE_INVALID_JSON'],
      [4, 'SIEM_PARSE_NOT_AN_OBJECT'],
    ]);
    expect(answer.rejected[0].message).toMatch(/dead letter/);
    expect(payloads(context)).toEqual(['{"a":1}', '{"broken', '[1,2]', '{"c":3}']);
  });

  it('takes text/plain lines as text records without checking them as JSON', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options(), context);
    const response = await app.inject({
      method: 'POST',
      url: '/ingest',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      payload: 'Dec  4 10:00:00 web-2 sshd[1000]: Failed password for admin from 198.51.100.146 port 30481 ssh2\n\n{"a":1}\n',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 2 });
    expect(payloads(context)).toEqual(['Dec  4 10:00:00 web-2 sshd[1000]: Failed password for admin from 198.51.100.146 port 30481 ssh2', '{"a":1}']);
  });

  it('turns each element of a JSON array into one compact record', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options(), context);
    const response = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'application/json' }, payload: ' [ {"a": 1,\n "b": [1, 2]}, {"c": "x"}, 7 ]' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 2, rejected: [{ index: 2, code: 'SIEM_PARSE_NOT_AN_OBJECT', message: expect.stringContaining('number') }] });
    expect(payloads(context)).toEqual(['{"a":1,"b":[1,2]}', '{"c":"x"}', '7']);
  });

  it('refuses a JSON array body that does not parse, accepting nothing', async () => {
    const context = recordingContext();
    const response = await buildHttpInput(options(), context).inject({ method: 'POST', url: '/ingest', headers: { 'content-type': 'application/json' }, payload: '[{"a":1},' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SIEM_COLLECTOR_INVALID_JSON_BODY');
    expect(context.records).toEqual([]);
  });

  it('cuts a line over the message limit, flags the record and lists the line', async () => {
    const context = recordingContext({ maxMessageBytes: 300 });
    const long = JSON.stringify({ message: 'x'.repeat(1000) });
    const response = await buildHttpInput(options(), context).inject({ method: 'POST', url: '/ingest', payload: `{"a":1}\n${long}\n{"b":2}` });
    expect(response.json()).toEqual({ accepted: 3, truncated: [2] });
    expect(context.records.map((r) => [r.payload.length, r.truncated])).toEqual([
      [7, undefined],
      [300, true],
      [7, undefined],
    ]);
  });

  it('decompresses gzip and zstd bodies', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options(), context);
    const gz = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-encoding': 'gzip' }, payload: gzipSync('{"via":"gzip"}\n') });
    const zs = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-encoding': 'zstd' }, payload: zstd(Buffer.from('{"via":"zstd"}\n{"n":2}\n')) });
    expect([gz.statusCode, zs.statusCode]).toEqual([200, 200]);
    expect(payloads(context)).toEqual(['{"via":"gzip"}', '{"via":"zstd"}', '{"n":2}']);
  });

  it('answers 413 to a small compressed body that decompresses past the body limit (zip bomb), gzip or zstd', async () => {
    const context = recordingContext();
    const app = buildHttpInput(options({ maxBodyBytes: 64 * 1024 }), context);
    const bomb = Buffer.alloc(10 * 1024 * 1024, '{"a":1}\n');
    for (const [encoding, body] of [['gzip', gzipSync(bomb)], ['zstd', zstd(bomb)]] as const) {
      expect(body.length).toBeLessThan(64 * 1024);
      const response = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-encoding': encoding }, payload: body });
      expect(response.statusCode, encoding).toBe(413);
      expect(response.json().error.code).toBe('SIEM_COLLECTOR_BODY_TOO_LARGE');
    }
    expect(context.records).toEqual([]);
  });

  it('answers 400 to a corrupt compressed body, 415 to an unknown encoding and 413 to an oversized body', async () => {
    const app = buildHttpInput(options({ maxBodyBytes: 2048 }), recordingContext());
    const corrupt = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-encoding': 'gzip' }, payload: 'not gzip at all' });
    expect([corrupt.statusCode, corrupt.json().error.code]).toEqual([400, 'SIEM_COLLECTOR_CORRUPT_BODY']);
    const unknown = await app.inject({ method: 'POST', url: '/ingest', headers: { 'content-encoding': 'br' }, payload: 'x' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([415, 'SIEM_COLLECTOR_UNSUPPORTED_ENCODING']);
    const big = await app.inject({ method: 'POST', url: '/ingest', payload: 'x'.repeat(4096) });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'SIEM_COLLECTOR_BODY_TOO_LARGE']);
    const empty = await app.inject({ method: 'POST', url: '/ingest', payload: '' });
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'SIEM_COLLECTOR_EMPTY_BODY']);
  });

  it('answers 503 with Retry-After when the bus is backed up or does not take the records', async () => {
    const backedUp = await buildHttpInput(options(), recordingContext({ isBackedUp: () => true })).inject({ method: 'POST', url: '/ingest', payload: '{"a":1}' });
    expect([backedUp.statusCode, backedUp.headers['retry-after'], backedUp.json().error.code]).toEqual([503, '5', 'SIEM_COLLECTOR_BACKPRESSURE']);
    const failing = recordingContext({ accept: () => Promise.reject(new Error('bus down')) });
    const unavailable = await buildHttpInput(options(), failing).inject({ method: 'POST', url: '/ingest', payload: '{"a":1}' });
    expect([unavailable.statusCode, unavailable.json().error.code]).toEqual([503, 'SIEM_COLLECTOR_BUS_UNAVAILABLE']);
  });
});

describe('API keys', () => {
  const app = () => buildHttpInput(options({ apiKeys: [KEY, 'other-key-000000000'] }), recordingContext());
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  it('refuses ingest, _bulk and probes without a valid key, with 401 and a code', async () => {
    const server = app();
    for (const [method, url] of [['POST', '/ingest'], ['POST', '/_bulk'], ['GET', '/_license'], ['POST', '/ingest']] as const) {
      const response = await server.inject({ method, url, payload: '{"a":1}', headers: url === '/ingest' && method === 'POST' ? { 'x-api-key': 'wrong-key-00000000' } : {} });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error).toMatchObject({ code: 'SIEM_COLLECTOR_UNAUTHORIZED', type: 'security_exception' });
    }
    expect((await server.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
  });

  it('accepts X-API-Key, ApiKey <key>, ApiKey base64(id:key) as Beats send it, and Basic with the key as password', async () => {
    const server = app();
    for (const headers of [{ 'x-api-key': KEY }, { authorization: `ApiKey ${KEY}` }, { authorization: `ApiKey ${b64(`filebeat:${KEY}`)}` }, { authorization: `Basic ${b64(`fluent-bit:${KEY}`)}` }]) {
      const response = await server.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(200);
    }
    const prefix = await server.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': KEY.slice(0, -1) } });
    expect(prefix.statusCode).toBe(401);
  });

  it('refuses an address after 20 failed authentications with 429 and Retry-After, before any key-store check, while other senders go on', async () => {
    let now = 0;
    let verified = 0;
    // Stands in for the key store's verify, whose wrong-secret check costs a scrypt: the count is what the limit saves.
    const verifyKey = async (key: string) => (verified++, key === 'store-ingest-key-0000' ? { role: 'ingest', tenant: 'globex' } : undefined);
    const context = recordingContext();
    const server = buildHttpInput(options({ apiKeys: [KEY], verifyKey, now: () => now }), context);
    const guess = (i: number, remoteAddress = '203.0.113.66') => server.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': `wrong-guess-${i}` }, remoteAddress });
    const statuses = new Map<number, number>();
    let refused: Awaited<ReturnType<typeof guess>> | undefined;
    for (let i = 0; i < 1000; i++) {
      const response = await guess(i);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode === 429) refused ??= response;
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 980 });
    expect(verified).toBe(20);
    expect(refused!.headers['retry-after']).toBe('60');
    expect(refused!.json().error).toMatchObject({ code: 'SIEM_COLLECTOR_AUTH_FAILURES_LIMIT', type: 'es_rejected_execution_exception' });
    expect(context.rejections.filter((r) => r === 'http:auth_failures_limit')).toHaveLength(980);
    // Another address with a valid key is served (and its check is the key store's, not slowed by the limit).
    const valid = await server.inject({ method: 'POST', url: '/ingest', payload: '{"a":1}', headers: { 'x-api-key': 'store-ingest-key-0000' }, remoteAddress: '198.51.100.1' });
    expect(valid.statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/', remoteAddress: '203.0.113.66' })).statusCode).toBe(200);
    now = 30_000;
    expect((await guess(0)).headers['retry-after']).toBe('30');
    now = 60_000;
    expect((await guess(0)).statusCode).toBe(401);
    expect(context.records.map((r) => r.tenant)).toEqual(['globex']);
  });
});

describe('Elasticsearch probes', () => {
  it('answers what Beats, Logstash, Fluent Bit and Vector call before sending, as Elasticsearch would', async () => {
    const server = buildHttpInput(options(), recordingContext());
    const root = await server.inject({ method: 'GET', url: '/' });
    expect(root.json().version.number).toMatch(/^8\./);
    expect(root.headers['x-elastic-product']).toBe('Elasticsearch');
    expect((await server.inject({ method: 'GET', url: '/_license' })).json().license).toMatchObject({ status: 'active', type: 'basic' });
    expect((await server.inject({ method: 'GET', url: '/_xpack' })).json().features.ilm.available).toBe(true);
    expect((await server.inject({ method: 'GET', url: '/_cluster/health' })).json().status).toBe('green');
    expect((await server.inject({ method: 'GET', url: '/_nodes/_local/http' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'HEAD', url: '/_index_template/filebeat-8.11.0' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/_index_template/logs' })).json().index_templates[0].name).toBe('logs');
    expect((await server.inject({ method: 'PUT', url: '/_template/logstash', payload: '{"index_patterns":["x"]}', headers: { 'content-type': 'application/json' } })).json()).toEqual({ acknowledged: true });
    expect((await server.inject({ method: 'GET', url: '/_ilm/policy/filebeat' })).json()).toHaveProperty('filebeat');
    expect((await server.inject({ method: 'PUT', url: '/_ingest/pipeline/p1', payload: '{}' })).json()).toEqual({ acknowledged: true });
    expect((await server.inject({ method: 'HEAD', url: '/fluent-bit' })).statusCode).toBe(200);
    const unknown = await server.inject({ method: 'GET', url: '/_search' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'SIEM_COLLECTOR_NOT_FOUND']);
  });
});

describe('slow and cut requests on a real port', () => {
  /** Sends the pieces one by one, a pause apart, and resolves with what the server answered once it closed the connection. */
  function trickle(port: number, pieces: readonly string[], pauseMs: number): Promise<{ answer: string; closedAfterMs: number }> {
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      let index = 0;
      const timer = setInterval(() => {
        if (index < pieces.length && !socket.destroyed) socket.write(pieces[index++]!);
      }, pauseMs);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, closedAfterMs: performance.now() - started });
      });
    });
  }

  it('answers 408 and closes a sender trickling headers or a body past SIEM_HTTP_REQUEST_TIMEOUT_S, accepting nothing of it, while another sender is served', async () => {
    const context = recordingContext();
    const running = await startHttpInput(options({ requestTimeoutMs: 1_000 }), context);
    const port = Number(new URL(running.address).port);
    try {
      const headerPieces = ['POST /ingest HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: 1\r\n`)];
      const bodyPieces = ['POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n', ...Array.from({ length: 40 }, () => '{"slow":"body"}\n')];
      const slowHeaders = trickle(port, headerPieces, 200);
      const slowBody = trickle(port, bodyPieces, 200);
      const served = await fetch(`${running.address}/ingest`, { method: 'POST', body: '{"served":1}' });
      expect([served.status, await served.json()]).toEqual([200, { accepted: 1 }]);
      for (const slow of await Promise.all([slowHeaders, slowBody])) {
        // Closed long before the 40 pieces (8 s) were sent: the timeout, not the sender, ended it.
        expect(slow.closedAfterMs).toBeLessThan(8_000);
        expect(slow.answer).toMatch(/^HTTP\/1\.1 408 /);
      }
      expect(payloads(context)).toEqual(['{"served":1}']);
    } finally {
      await running.close();
    }
  });

  it('accepts nothing of a body cut short (Content-Length or chunked) and serves the next request', async () => {
    const context = recordingContext();
    const running = await startHttpInput(options({ requestTimeoutMs: 5_000 }), context);
    const port = Number(new URL(running.address).port);
    try {
      for (const request of [
        'POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"cut":1}\n{"cut":2}\n{"cu',
        'POST /_bulk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-ndjson\r\n\r\n1c\r\n{"create":{}}\n{"cut":3}\n\r\n',
      ]) {
        const socket = net.connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        // The sender's connection drops mid-body, as when a shipper or its host dies.
        const closed = new Promise((resolve) => socket.once('close', resolve));
        socket.write(request, () => setTimeout(() => socket.destroy(), 100));
        await closed;
      }
      const next = await fetch(`${running.address}/ingest`, { method: 'POST', body: '{"after":1}' });
      expect([next.status, await next.json()]).toEqual([200, { accepted: 1 }]);
      expect(payloads(context)).toEqual(['{"after":1}']);
    } finally {
      await running.close();
    }
  });
});
