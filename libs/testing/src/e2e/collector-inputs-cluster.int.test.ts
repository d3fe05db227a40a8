import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unpackRawRecords } from '@siem/bus';
import type { RawRecord } from '@siem/schema';
import type { AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { makeCertificates, startSyslogNg, type TestCertificates } from './collector-peers';
import { startPipelineApps } from './pipeline-apps';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);
const MAX_MESSAGE_BYTES = 1024;

interface Hit {
  event: Record<string, any>;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-collector-cluster-'));
let setup: PipelineEnv;
let certs: TestCertificates;
let tlsPort: number;
const apps: AppProcess[] = [];

async function findOne(query: string): Promise<Hit> {
  return waitFor(`an event matching ${query}`, async () => {
    const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
    const { hits } = (await response.json()) as { hits: Hit[] };
    return hits.length === 1 ? hits[0] : undefined;
  }, 90_000, 500);
}

beforeAll(async () => {
  certs = makeCertificates(scratch);
  tlsPort = await freePort();
  setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'), {
    SIEM_PROCESSOR_WORKERS: '1',
    SIEM_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    SIEM_SYSLOG_TLS_PORT: String(tlsPort),
    SIEM_SYSLOG_TLS_CERT: certs.serverCert,
    SIEM_SYSLOG_TLS_KEY: certs.serverKey,
    SIEM_HTTP_TLS_CERT: certs.serverCert,
    SIEM_HTTP_TLS_KEY: certs.serverKey,
    SIEM_COLLECTOR_METRICS_PORT: String(await freePort()),
  });
  apps.push(...(await startPipelineApps(setup.env)));
});

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  await setup?.cleanup();
  expect(codes).toEqual([0, 0, 0]);
});

describe('collector inputs through Kafka and OpenSearch', () => {
  it('flags a long syslog-ng TLS message as truncated in its batch envelope and with the event tag truncated', async () => {
    const marker = `tlscut${setup.runId}`;
    const input = path.join(scratch, 'long.log');
    writeFileSync(input, `${marker} ${'t'.repeat(MAX_MESSAGE_BYTES * 3)}\n`);
    const syslogNg = startSyslogNg(scratch, [
      { inputFile: input, destination: `syslog("127.0.0.1" port(${tlsPort}) transport("tls") tls(ca-file("${certs.ca}") peer-verify(required-trusted)))` },
    ]);
    try {
      const hit = await findOne(marker);
      expect(hit.event.tags).toEqual(['truncated']);
      expect(hit.event.event.original.length).toBe(MAX_MESSAGE_BYTES);
    } finally {
      syslogNg.kill('SIGTERM');
    }
    // The collector sends batch envelopes: kcat lists the TLS input's messages, then fetches each one's bytes to unpack.
    const { stdout } = await run('kcat', ['-C', '-b', inject('kafkaBrokers'), '-t', setup.rawTopic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%o\t%h\n'], { timeout: 30_000 });
    const tlsMessages = stdout.split('\n').filter((line) => line.includes('siem.input=syslog_tls'));
    expect(tlsMessages.every((line) => line.includes('siem.envelope=1'))).toBe(true);
    const records: RawRecord[] = [];
    for (const line of tlsMessages) {
      const [partition, offset, headers] = line.split('\t') as [string, string, string];
      const value = await run('kcat', ['-C', '-b', inject('kafkaBrokers'), '-t', setup.rawTopic, '-p', partition, '-o', offset, '-c', '1', '-e', '-q', '-f', '%s'], { timeout: 30_000, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
      const headerMap = Object.fromEntries(headers.split(',').map((pair) => pair.split('=') as [string, string]));
      records.push(...unpackRawRecords({ topic: setup.rawTopic, partition: Number(partition), offset, value: value.stdout, headers: headerMap }, 'unused'));
    }
    const cut = records.find((record) => record.payload.includes(marker))!;
    expect(cut).toMatchObject({ input: 'syslog_tls', truncated: true });
    expect(cut.payload.length).toBe(MAX_MESSAGE_BYTES);
  });

  it('takes a Filebeat-shaped _bulk over HTTPS and indexes the document with the index it addressed', async () => {
    const marker = `httpsbulk${setup.runId}`;
    const body = `${JSON.stringify({ create: { _index: 'filebeat-8.11.0' } })}\n${JSON.stringify({ '@timestamp': '2026-11-23T09:30:00.000Z', message: `${marker} over https`, host: { name: 'web-9' } })}\n`;
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '--cacert', certs.ca, '-H', 'Content-Type: application/json', '--data-binary', body, `https://127.0.0.1:${setup.httpPort}/_bulk`]);
    expect(JSON.parse(stdout)).toMatchObject({ errors: false, items: [{ create: { status: 201, _index: 'filebeat-8.11.0' } }] });
    const plain = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${setup.httpPort}/`]).catch((error: { stdout: string }) => error);
    expect(plain.stdout).not.toBe('200');
    const hit = await findOne(marker);
    expect(hit.event.labels.target_index).toBe('filebeat-8.11.0');
    expect(hit.event.host.name).toBe('web-9');
  });
});
