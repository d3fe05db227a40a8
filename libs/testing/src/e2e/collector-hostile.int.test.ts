/**
 * Hostile input through the real listeners of the embedded deployment (issue 18):
 * 10,000-level JSON nesting, invalid UTF-8 and NUL bytes, a 10 MiB NDJSON line and
 * _bulk source, oversize and cut bodies, and slowloris senders on TLS and HTTP.
 * Each ends in a clear answer or a dead letter with its reason, the events sent
 * around it are all indexed, and the collector stays up with bounded memory.
 * (TCP slowloris, a 10 MiB TCP line and binary garbage are in collector-inputs.int.test.ts,
 * MQTT in collector-mqtt.int.test.ts.)
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { makeCertificates, type TestCertificates } from './collector-peers';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);
const API_KEY = 'hostile-test-key-0123456789';
const MAX_MESSAGE_BYTES = 65_536;
/** The collector's resident memory after all of the cases, far below what buffering a 10 MiB line per sender would take. */
const RSS_BOUND_BYTES = 400 * 1024 * 1024;

interface Hit {
  id: string;
  event: Record<string, any>;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-collector-hostile-'));
let setup: PipelineEnv;
let certs: TestCertificates;
let tlsPort: number;
const apps: AppProcess[] = [];

async function search(query: string): Promise<Hit[]> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=100&q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
  return ((await response.json()) as { hits: Hit[] }).hits;
}

async function findAll(query: string, count: number): Promise<Hit[]> {
  return waitFor(`${count} events matching ${query}`, async () => {
    const hits = await search(query);
    return hits.length === count ? hits : undefined;
  }, 90_000, 500);
}

const ingestUrl = (route: string) => `http://127.0.0.1:${setup.httpPort}${route}`;
const headers = { authorization: `ApiKey ${API_KEY}` };

beforeAll(async () => {
  certs = makeCertificates(scratch);
  tlsPort = await freePort();
  setup = await deploymentEnv(
    { kind: 'embedded', dataDir: path.join(scratch, 'data') },
    {
      SIEM_PROCESSOR_WORKERS: '1',
      SIEM_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      SIEM_HTTP_MAX_BODY_BYTES: String(16 * 1024 * 1024),
      SIEM_TCP_IDLE_TIMEOUT_S: '2',
      SIEM_HTTP_REQUEST_TIMEOUT_S: '2',
      SIEM_SYSLOG_TLS_PORT: String(tlsPort),
      SIEM_SYSLOG_TLS_CERT: certs.serverCert,
      SIEM_SYSLOG_TLS_KEY: certs.serverKey,
      SIEM_SYSLOG_TLS_CA: certs.ca,
      SIEM_HTTP_API_KEYS: API_KEY,
      SIEM_COLLECTOR_METRICS_PORT: String(await freePort()),
    },
  );
  // Started here rather than with startPipelineApps for a longer wait: on a machine this loaded the three apps take over its minute to compile and start.
  apps.push(startApp('collector', setup.env), startApp('processor', setup.env), startApp('api', setup.env));
  await apps[0]!.waitForLog('the collector to listen', (line) => line.msg === 'The collector is listening.', 180_000);
  await apps[1]!.waitForLog('a worker to consume', (line) => line.msg === 'The processor worker is consuming.', 180_000);
  await apps[2]!.waitForLog('the API to listen', (line) => line.msg === 'The API is listening.', 180_000);
}, 600_000);

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
});

/** Writes the pieces a pause apart and resolves once the server has closed the connection, with what it answered. */
function trickle(socket: net.Socket, pieces: readonly string[], pauseMs: number): Promise<{ answer: string; piecesSent: number }> {
  return new Promise((resolve) => {
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < pieces.length && !socket.destroyed) socket.write(pieces[sent++]!);
    }, pauseMs);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, piecesSent: sent });
    });
  });
}

describe('hostile input through the real listeners (embedded bus and store)', () => {
  it('dead-letters 10,000-level JSON nesting sent as NDJSON and as a _bulk source with SIEM_PARSE_TOO_DEEP, indexing the documents around it', async () => {
    const marker = `deep${setup.runId}`;
    const deepArray = `{"message":"${marker} ndjson nested","d":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const deepObject = `{"message":"${marker} bulk nested","d":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const ndjson = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: `{"message":"${marker} before"}\n${deepArray}\n{"message":"${marker} after"}\n` });
    expect([ndjson.status, await ndjson.json()]).toEqual([200, { accepted: 3 }]);
    const bulk = await fetch(ingestUrl('/_bulk'), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body: `{"create":{"_index":"logs"}}\n${deepObject}\n{"create":{"_index":"logs"}}\n{"message":"${marker} bulk neighbour"}\n`,
    });
    expect(bulk.status).toBe(200);
    expect(((await bulk.json()) as { errors: boolean }).errors).toBe(false);
    const indexed = await findAll(`${marker} -event.kind:pipeline_error`, 3);
    expect(indexed.map((hit) => hit.event.message).sort()).toEqual([`${marker} after`, `${marker} before`, `${marker} bulk neighbour`]);
    const letters = await findAll(`event.kind:pipeline_error ${marker}`, 2);
    expect(letters.map((hit) => hit.event.error.code)).toEqual(['SIEM_PARSE_TOO_DEEP', 'SIEM_PARSE_TOO_DEEP']);
  });

  it('dead-letters invalid UTF-8 over UDP, TCP and NDJSON with SIEM_PARSE_INVALID_UTF8 and its raw bytes, indexes NUL bytes, and loses none of the lines around them', async () => {
    const marker = `bytes${setup.runId}`;
    const invalid = (prefix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00])]);
    const udp = dgram.createSocket('udp4');
    const sendUdp = (payload: Buffer) => new Promise<void>((resolve, reject) => udp.send(payload, setup.syslogPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    await sendUdp(invalid(`<13>Nov 23 10:00:00 host udpbad: ${marker} `));
    await sendUdp(Buffer.from(`<13>Nov 23 10:00:00 host udpnul: ${marker} nul\u0000byte`));
    await sendUdp(Buffer.from(`<13>Nov 23 10:00:00 host udpok: ${marker} udp neighbour`));
    udp.close();
    const tcp = net.connect(setup.syslogPort, '127.0.0.1');
    await new Promise((resolve) => tcp.once('connect', resolve));
    await new Promise<void>((resolve) =>
      tcp.end(Buffer.concat([invalid(`<13>Nov 23 10:00:00 host tcpbad: ${marker} `), Buffer.from(`\n<13>Nov 23 10:00:00 host tcpok: ${marker} tcp neighbour\n`)]), () => resolve()),
    );
    const ndjson = await fetch(ingestUrl('/ingest'), {
      method: 'POST',
      headers,
      body: Buffer.concat([Buffer.from(`{"message":"${marker} http neighbour"}\n`), invalid(`{"message":"${marker} `), Buffer.from(`"}\n{"message":"${marker} escaped nul \\u0000 here"}\n`)]),
    });
    expect(ndjson.status).toBe(200);

    const indexed = await findAll(`${marker} -event.kind:pipeline_error`, 5);
    const messages = indexed.map((hit) => String(hit.event.message));
    expect(messages.filter((message) => message.endsWith('neighbour')).sort()).toEqual([`${marker} http neighbour`, `${marker} tcp neighbour`, `${marker} udp neighbour`]);
    // The NUL lines are valid UTF-8: events, whatever the store makes of the NUL itself.
    expect(messages.filter((message) => message.includes(' nul')).length).toBe(2);
    const letters = await waitFor('three undecodable dead letters', async () => {
      const hits = (await search('error.code:SIEM_PARSE_INVALID_UTF8')).filter((hit) => Buffer.from(String(hit.event.siem?.dead_letter?.raw_base64), 'base64').includes(marker));
      return hits.length === 3 ? hits : undefined;
    }, 90_000, 500);
    expect(letters.map((hit) => hit.event.siem.dead_letter.input).sort()).toEqual(['http_ndjson', 'syslog_tcp', 'syslog_udp']);
  });

  it('cuts a 10 MiB NDJSON line and a 10 MiB _bulk source to the message limit, tagged truncated, and indexes their neighbours whole', async () => {
    const marker = `huge${setup.runId}`;
    const huge = `{"message":"${marker} huge ${'h'.repeat(10 * 1024 * 1024)}"}`;
    const ndjson = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: `${huge}\n{"message":"${marker} ndjson neighbour"}\n` });
    expect([ndjson.status, await ndjson.json()]).toEqual([200, { accepted: 2, truncated: [1] }]);
    const bulk = await fetch(ingestUrl('/_bulk'), { method: 'POST', headers: { ...headers, 'content-type': 'application/x-ndjson' }, body: `{"create":{"_index":"logs"}}\n${huge}\n{"create":{"_index":"logs"}}\n{"message":"${marker} bulk neighbour"}\n` });
    expect(bulk.status).toBe(200);
    const neighbours = await findAll(`"${marker} ndjson neighbour" OR "${marker} bulk neighbour"`, 2);
    expect(neighbours.every((hit) => hit.event.tags === undefined)).toBe(true);
    // Cut inside its JSON string, the line is no longer JSON: a dead letter tagged truncated, not a silently shortened event.
    const letters = await findAll(`event.kind:pipeline_error ${marker}`, 2);
    expect(letters.map((hit) => [hit.event.tags, hit.event.error.code])).toEqual([
      [['truncated'], 'SIEM_PARSE_INVALID_JSON'],
      [['truncated'], 'SIEM_PARSE_INVALID_JSON'],
    ]);
  });

  it('answers 413 to a body over SIEM_HTTP_MAX_BODY_BYTES, accepting none of it, and takes the next request', async () => {
    const marker = `oversize${setup.runId}`;
    const line = `{"message":"${marker} ${'o'.repeat(1000)}"}\n`;
    // The collector may answer 413 and close before the sender has written the whole body, which fetch reports as a failure.
    const oversize = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: line.repeat(Math.ceil((17 * 1024 * 1024) / line.length)) }).then(
      (response) => response.status,
      () => 'closed by the collector',
    );
    expect([413, 'closed by the collector']).toContain(oversize);
    const next = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: `{"message":"${marker} next"}` });
    expect([next.status, await next.json()]).toEqual([200, { accepted: 1 }]);
    const [hit] = await findAll(marker, 1);
    expect(hit!.event.message).toBe(`${marker} next`);
  });

  it('accepts nothing of an HTTP body cut short by a dropped connection, and closes an HTTP slowloris with 408 while another sender is served', async () => {
    const marker = `slowhttp${setup.runId}`;
    const cut = net.connect(setup.httpPort, '127.0.0.1');
    cut.on('error', () => undefined);
    await new Promise((resolve) => cut.once('connect', resolve));
    const cutClosed = new Promise((resolve) => cut.once('close', resolve));
    cut.write(`POST /ingest HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey ${API_KEY}\r\nContent-Length: 1000\r\n\r\n{"message":"${marker} cut one"}\n{"message":"${marker} cut`, () => setTimeout(() => cut.destroy(), 100));
    await cutClosed;

    const slow = net.connect(setup.httpPort, '127.0.0.1');
    await new Promise((resolve) => slow.once('connect', resolve));
    const slowBody = Array.from({ length: 40 }, () => `{"message":"${marker} slow"}\n`);
    const slowDone = trickle(slow, [`POST /ingest HTTP/1.1\r\nHost: x\r\nAuthorization: ApiKey ${API_KEY}\r\nContent-Length: ${slowBody.join('').length}\r\n\r\n`, ...slowBody], 250);
    const served = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: `{"message":"${marker} served"}` });
    expect(served.status).toBe(200);
    const { answer, piecesSent } = await slowDone;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(piecesSent).toBeLessThan(41);
    const [hit] = await findAll(marker, 1);
    expect(hit!.event.message).toBe(`${marker} served`);
  });

  it('closes a stalled TLS sender after the idle timeout, keeping its partial line, and a TCP connection that never starts the handshake, while a TLS sender is served', async () => {
    const marker = `slowtls${setup.runId}`;
    const tlsOptions = { host: '127.0.0.1', port: tlsPort, ca: readFileSync(certs.ca) };
    const silent = net.connect(tlsPort, '127.0.0.1');
    silent.on('error', () => undefined);
    const silentClosed = new Promise<number>((resolve) => {
      const started = performance.now();
      silent.once('close', () => resolve(performance.now() - started));
    });
    const slow = tls.connect(tlsOptions);
    slow.on('error', () => undefined);
    await new Promise((resolve) => slow.once('secureConnect', resolve));
    const slowClosed = new Promise<number>((resolve) => {
      const started = performance.now();
      slow.once('close', () => resolve(performance.now() - started));
    });
    // A line begun and never finished: the sender then says nothing more.
    slow.write(`<13>Nov 23 10:00:00 host slow: ${marker} partial`);
    const fast = tls.connect(tlsOptions);
    await new Promise((resolve) => fast.once('secureConnect', resolve));
    await new Promise<void>((resolve) => fast.end(`<13>Nov 23 10:00:00 host fast: ${marker} served\n`, () => resolve()));
    // Without the handshake timeout Node waits 120 s; the idle timeout is 2 s.
    expect(await silentClosed).toBeLessThan(60_000);
    expect(await slowClosed).toBeLessThan(60_000);
    const hits = await findAll(marker, 2);
    expect(hits.map((hit) => hit.event.message).sort()).toEqual([`${marker} partial`, `${marker} served`]);
  });

  it('keeps the collector up with resident memory under a bound after all of the above', async () => {
    const pid = apps[0]?.child.pid;
    expect(pid).toBeDefined();
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
    expect(Number(stdout.trim()) * 1024).toBeLessThan(RSS_BOUND_BYTES);
    const alive = await fetch(ingestUrl('/ingest'), { method: 'POST', headers, body: '{"message":"still here"}' });
    expect(alive.status).toBe(200);
  });
});
