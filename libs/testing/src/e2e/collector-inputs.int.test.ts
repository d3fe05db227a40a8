import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { makeCertificates, startSyslogNg, type TestCertificates } from './collector-peers';
import { startPipelineApps } from './pipeline-apps';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);
const API_KEY = 'collector-test-key-0123456789';
const MAX_MESSAGE_BYTES = 4096;

interface Hit {
  id: string;
  event: Record<string, any>;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-collector-inputs-'));
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

async function curl(args: string[]): Promise<{ status: number; body: any }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const newline = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(newline + 1)), body: JSON.parse(stdout.slice(0, newline)) };
}

const ingestUrl = (route: string) => `http://127.0.0.1:${setup.httpPort}${route}`;
const withKey = ['-H', `Authorization: ApiKey ${API_KEY}`];

beforeAll(async () => {
  certs = makeCertificates(scratch);
  tlsPort = await freePort();
  setup = await deploymentEnv(
    { kind: 'embedded', dataDir: path.join(scratch, 'data') },
    {
      SIEM_PROCESSOR_WORKERS: '1',
      SIEM_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      SIEM_TCP_IDLE_TIMEOUT_S: '2',
      SIEM_SYSLOG_TLS_PORT: String(tlsPort),
      SIEM_SYSLOG_TLS_CERT: certs.serverCert,
      SIEM_SYSLOG_TLS_KEY: certs.serverKey,
      SIEM_SYSLOG_TLS_CA: certs.ca,
      SIEM_SYSLOG_TLS_CLIENT_AUTH: 'true',
      SIEM_HTTP_API_KEYS: API_KEY,
      SIEM_COLLECTOR_METRICS_PORT: String(await freePort()),
    },
  );
  apps.push(...(await startPipelineApps(setup.env)));
});

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
});

describe('collector inputs with real senders (embedded bus and store)', () => {
  it('receives syslog-ng over TLS with a client certificate and over TCP, octet-counted and newline-framed', async () => {
    const marker = `sng${setup.runId}`;
    const files = ['tls', 'tcp', 'newline'].map((name) => path.join(scratch, `syslog-ng-${name}.log`));
    files.forEach((file, i) => writeFileSync(file, `${['tls', 'tcp', 'newline'][i]} first ${marker}\n${['tls', 'tcp', 'newline'][i]} second ${marker}\n`));
    const tlsOptions = `tls(ca-file("${certs.ca}") cert-file("${certs.clientCert}") key-file("${certs.clientKey}") peer-verify(required-trusted))`;
    const syslogNg = startSyslogNg(scratch, [
      { inputFile: files[0]!, destination: `syslog("127.0.0.1" port(${tlsPort}) transport("tls") ${tlsOptions})` },
      { inputFile: files[1]!, destination: `syslog("127.0.0.1" port(${setup.syslogPort}) transport("tcp"))` },
      { inputFile: files[2]!, destination: `network("127.0.0.1" port(${setup.syslogPort}) transport("tcp"))` },
    ]);
    try {
      const hits = await findAll(marker, 6);
      const byMessage = Object.fromEntries(hits.map((hit) => [hit.event.message, hit.event]));
      for (const via of ['tls', 'tcp']) {
        expect(byMessage[`${via} first ${marker}`]?.event.dataset, `${via}: ${syslogNg.output.join('')}`).toBe('syslog_rfc5424');
        expect(byMessage[`${via} second ${marker}`]).toBeDefined();
      }
      expect(byMessage[`newline first ${marker}`]?.event.dataset).toBe('syslog_rfc3164');
      expect(byMessage[`newline second ${marker}`]).toBeDefined();
      expect(hits.every((hit) => hit.event.tags === undefined)).toBe(true);
    } finally {
      syslogNg.kill('SIGTERM');
    }
  });

  it('refuses a TLS sender without a client certificate at the handshake, and takes one with a certificate', async () => {
    const marker = `certcheck${setup.runId}`;
    const send = (withCertificate: boolean) =>
      new Promise<string>((resolve) => {
        const client = withCertificate ? { cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) } : {};
        const socket = tls.connect({ host: '127.0.0.1', port: tlsPort, ca: readFileSync(certs.ca), ...client });
        socket.on('secureConnect', () => socket.write(`<13>1 - - - - - - ${withCertificate ? 'with' : 'without'} ${marker}\n`, () => setTimeout(() => socket.end(), 200)));
        socket.on('error', (error) => resolve(`error: ${error.message}`));
        socket.on('close', () => resolve('closed'));
      });
    expect(await send(false)).toMatch(/^error: .*certificate/);
    expect(await send(true)).toBe('closed');
    const [hit] = await findAll(marker, 1);
    expect(hit!.event.message).toBe(`with ${marker}`);
  });

  it('cuts a UDP datagram from logger over the limit, tags its event truncated, and keeps the short one whole', async () => {
    const marker = `udpcut${setup.runId}`;
    const long = `${marker} ${'u'.repeat(MAX_MESSAGE_BYTES * 2)}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-d', '--rfc3164', '--size', '20000', '-t', 'big', long]);
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-d', '--rfc3164', '-t', 'small', `${marker} short`]);
    const hits = await findAll(marker, 2);
    const cut = hits.find((hit) => hit.event.process?.name === 'big')!;
    expect(cut.event.tags).toEqual(['truncated']);
    expect(cut.event.event.original.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(hits.find((hit) => hit.event.process?.name === 'small')!.event.tags).toBeUndefined();
  });

  it('cuts a 10 MiB line on TCP, tags it, and frames the next message on the same connection intact', async () => {
    const marker = `huge${setup.runId}`;
    const socket = net.connect(setup.syslogPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`<13>Nov 23 10:00:00 host huge: ${marker} `);
    const chunk = Buffer.alloc(1024 * 1024, 'h');
    for (let i = 0; i < 10; i++) if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
    socket.end(`\n<13>Nov 23 10:00:01 host after: ${marker} next\n`);
    const hits = await findAll(marker, 2);
    const huge = hits.find((hit) => hit.event.process?.name === 'huge')!;
    expect(huge.event.tags).toEqual(['truncated']);
    expect(huge.event.event.original.length).toBe(MAX_MESSAGE_BYTES);
    expect(hits.find((hit) => hit.event.process?.name === 'after')!.event.message).toBe(`${marker} next`);
  });

  it('survives binary garbage on the TCP port and keeps serving the next connection', async () => {
    const marker = `garbage${setup.runId}`;
    const socket = net.connect(setup.syslogPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const garbage = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919 + 13) % 256));
    await new Promise<void>((resolve) => socket.end(garbage, () => resolve()));
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc3164', '-t', 'clean', `${marker} after garbage`]);
    const [hit] = await findAll(marker, 1);
    expect(hit!.event.message).toBe(`${marker} after garbage`);
  });

  it('closes a slowloris connection after the idle timeout, keeping its partial line, while others are served', async () => {
    const marker = `slow${setup.runId}`;
    const slow = net.connect(setup.syslogPort, '127.0.0.1');
    const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('error', () => undefined);
    await new Promise((resolve) => slow.once('connect', resolve));
    for (const piece of ['<13>Nov 23 10:00:00 host slow: ', marker, ' partial']) {
      slow.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc3164', '-t', 'fast', `${marker} meanwhile`]);
    await findAll(`${marker} meanwhile`, 1);
    await closed;
    const hits = await findAll(marker, 2);
    expect(hits.find((hit) => hit.event.process?.name === 'slow')!.event.message).toBe(`${marker} partial`);
  });

  it('takes NDJSON gzip and zstd bodies from curl, names the invalid line, and indexes the rest', async () => {
    const marker = `http${setup.runId}`;
    const ndjson = `{"message":"${marker} one"}\n{"message": broken ${marker}\n{"message":"${marker} three"}\n`;
    writeFileSync(path.join(scratch, 'body.ndjson.gz'), gzipSync(ndjson));
    const gz = await curl([...withKey, '-H', 'Content-Encoding: gzip', '-H', 'Content-Type: application/x-ndjson', '--data-binary', `@${path.join(scratch, 'body.ndjson.gz')}`, ingestUrl('/ingest')]);
    expect(gz.status).toBe(200);
    expect(gz.body).toMatchObject({ accepted: 2, rejected: [{ line: 2, code: 'SIEM_PARSE_INVALID_JSON' }] });

    const zstdFile = path.join(scratch, 'body.json.zst');
    writeFileSync(path.join(scratch, 'body.json'), JSON.stringify([{ message: `${marker} four` }, { message: `${marker} five`, user: { name: 'eve' } }]));
    await run('zstd', ['-q', '-f', path.join(scratch, 'body.json'), '-o', zstdFile]);
    const zs = await curl(['-H', `X-API-Key: ${API_KEY}`, '-H', 'Content-Encoding: zstd', '-H', 'Content-Type: application/json', '--data-binary', `@${zstdFile}`, ingestUrl('/ingest')]);
    expect(zs).toEqual({ status: 200, body: { accepted: 2 } });

    const hits = await findAll(`${marker} -event.kind:pipeline_error`, 4);
    expect(hits.map((hit) => hit.event.message).sort()).toEqual([`${marker} five`, `${marker} four`, `${marker} one`, `${marker} three`]);
    const [letter] = await findAll(`event.kind:pipeline_error ${marker}`, 1);
    expect(letter!.event.error.code).toBe('SIEM_PARSE_INVALID_JSON');
  });

  it('cuts an over-long NDJSON line, lists it as truncated, and tags the dead letter it becomes', async () => {
    const marker = `longline${setup.runId}`;
    const long = JSON.stringify({ message: `${marker} ${'l'.repeat(MAX_MESSAGE_BYTES * 2)}` });
    const answer = await curl([...withKey, '--data-binary', `${long}\n{"message":"${marker} short"}`, ingestUrl('/ingest')]);
    expect(answer).toEqual({ status: 200, body: { accepted: 2, truncated: [1] } });
    const [letter] = await findAll(`event.kind:pipeline_error ${marker}`, 1);
    expect(letter!.event.tags).toEqual(['truncated']);
    expect(letter!.event.error.code).toBe('SIEM_PARSE_INVALID_JSON');
    const [short] = await findAll(`"${marker} short"`, 1);
    expect(short!.event.tags).toBeUndefined();
  });

  it('refuses to start with a typed error naming an unreadable certificate file', async () => {
    const missing = path.join(scratch, 'no-such-cert.pem');
    const collector = startApp('collector', { ...setup.env, SIEM_DATA_DIR: path.join(scratch, 'data-bad-cert'), SIEM_SYSLOG_TLS_CERT: missing, SIEM_COLLECTOR_METRICS_PORT: String(await freePort()), SIEM_SYSLOG_PORT: String(await freePort()), SIEM_HTTP_INGEST_PORT: String(await freePort()) });
    expect(await collector.exited()).toBe(1);
    const fatal = JSON.stringify(collector.logs.find((line) => line.level === 60));
    expect(fatal).toContain('SIEM_COLLECTOR_TLS_FILE_UNREADABLE');
    expect(fatal).toContain(`SIEM_SYSLOG_TLS_CERT=${missing}`);
  });

  it('answers 401 with a code to a request without a valid API key, and accepts nothing', async () => {
    const marker = `nokey${setup.runId}`;
    const refused = await curl(['--data-binary', `{"message":"${marker}"}`, ingestUrl('/ingest')]);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('SIEM_COLLECTOR_UNAUTHORIZED');
    const wrong = await curl(['-H', 'Authorization: ApiKey not-the-key-at-all', '--data-binary', `{"create":{}}\n{"message":"${marker}"}\n`, ingestUrl('/_bulk')]);
    expect(wrong.status).toBe(401);
  });

  it('takes a Filebeat- and a Fluent Bit-shaped _bulk with one bad document, answering per item as Elasticsearch does', async () => {
    const marker = `bulk${setup.runId}`;
    const beatsKey = Buffer.from(`filebeat-id:${API_KEY}`).toString('base64');
    const filebeat = [
      { create: { _index: 'filebeat-8.11.0' } },
      { '@timestamp': '2026-11-23T09:00:00.000Z', message: `${marker} from filebeat`, agent: { type: 'filebeat' }, ecs: { version: '8.0.0' } },
      { create: { _index: 'filebeat-8.11.0' } },
      `"${marker} not an object"`,
    ];
    const fluentBit = [{ index: { _index: 'fluent-bit', _type: '_doc' } }, { '@timestamp': '2026-11-23T09:00:01.000Z', log: `${marker} from fluent bit` }];
    const body = (lines: unknown[]) => `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
    const fb = await curl(['-H', `Authorization: ApiKey ${beatsKey}`, '-H', 'Content-Type: application/json', '--data-binary', body(filebeat), ingestUrl('/_bulk')]);
    expect(fb.status).toBe(200);
    expect(fb.body.errors).toBe(true);
    expect(fb.body.items[0].create).toMatchObject({ _index: 'filebeat-8.11.0', status: 201, result: 'created' });
    expect(fb.body.items[1].create).toMatchObject({ status: 400, error: { type: 'mapper_parsing_exception' } });
    const flb = await curl([...withKey, '-H', 'Content-Type: application/x-ndjson', '--data-binary', body(fluentBit), ingestUrl('/_bulk')]);
    expect(flb.body).toMatchObject({ errors: false, items: [{ index: { _index: 'fluent-bit', status: 201 } }] });

    const broken = await curl([...withKey, '--data-binary', `{"create":{"_index":"x"}}\n{"a":1}\n{"create": oops\n{"a":2}\n`, ingestUrl('/_bulk')]);
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ status: 400, error: { type: 'x_content_parse_exception', code: 'SIEM_COLLECTOR_BAD_BULK_REQUEST' } });

    const [fromFilebeat] = await findAll(`${marker} labels.target_index:filebeat-8.11.0`, 1);
    expect(fromFilebeat!.event['@timestamp']).toBe('2026-11-23T09:00:00.000Z');
    expect(fromFilebeat!.event.agent.type).toBe('filebeat');
    expect(fromFilebeat!.event.labels.target_index).toBe('filebeat-8.11.0');
    const [fromFluentBit] = await findAll(`${marker} labels.target_index:fluent-bit`, 1);
    // Fluent Bit puts the line in a string `log`, which becomes the message.
    expect(fromFluentBit!.event.message).toBe(`${marker} from fluent bit`);
  });
});
