import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { startPipelineApps } from './pipeline-apps';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);

interface Hit {
  id: string;
  index: string;
  event: Record<string, any>;
}

let setup: PipelineEnv;
const apps: AppProcess[] = [];

async function search(query: string): Promise<{ total: number; hits: Hit[] }> {
  const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-H', `Authorization: ApiKey ${setup.apiKey}`, '-G', `http://127.0.0.1:${setup.apiPort}/api/v1/search`, '--data-urlencode', `q=${query}`]);
  return JSON.parse(stdout);
}

async function findOne(query: string): Promise<Hit> {
  return waitFor(`an event matching ${query}`, async () => {
    const result = await search(query);
    return result.hits.length === 1 ? result.hits[0] : undefined;
  }, 60_000, 500);
}

beforeAll(async () => {
  setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'));
  apps.push(...(await startPipelineApps(setup.env)));
});

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  await setup?.cleanup();
  expect(codes).toEqual([0, 0, 0]);
});

describe('the pipeline, collector → Kafka → processor → OpenSearch → API', () => {
  it('indexes an RFC 5424 line sent by logger over UDP with its syslog fields', async () => {
    const marker = `udp5424-${setup.runId}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-d', '--rfc5424', '-i', '-t', 'sshd-test', '-p', 'auth.warning', `hello ${marker}`]);
    const hit = await findOne(marker);
    expect(hit.event.message).toBe(`hello ${marker}`);
    expect(hit.event.host.name).toBe(hostname());
    expect(hit.event.process.name).toBe('sshd-test');
    expect(hit.event.process.pid).toBeGreaterThan(0);
    expect(hit.event.log.syslog.facility).toEqual({ code: 4, name: 'auth' });
    expect(hit.event.log.syslog.severity).toEqual({ code: 4, name: 'warning' });
    expect(hit.event.log.syslog.version).toBe('1');
    expect(hit.event.log.source.address).toBe('127.0.0.1');
    expect(hit.event.source?.ip).toBeUndefined();
    expect(hit.event.event.original).toContain(marker);
    expect(hit.event.event.dataset).toBe('syslog_rfc5424');
    expect(Date.parse(hit.event.event.ingested)).toBeGreaterThanOrEqual(Date.parse(hit.event['@timestamp']) - 1000);
    expect(hit.index).toBe(`${setup.indexPrefix}${hit.event['@timestamp'].slice(0, 10).replaceAll('-', '.')}`);
  });

  it('indexes an RFC 3164 line sent by logger over TCP with newline framing', async () => {
    const marker = `tcp3164-${setup.runId}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc3164', '-t', 'cron', '-p', 'cron.info', `job ran ${marker}`]);
    const hit = await findOne(marker);
    expect(hit.event.message).toBe(`job ran ${marker}`);
    expect(hit.event.process.name).toBe('cron');
    expect(hit.event.log.syslog.facility).toEqual({ code: 9, name: 'cron' });
    expect(hit.event.log.syslog.severity.name).toBe('informational');
    expect(hit.event.event.dataset).toBe('syslog_rfc3164');
    expect(Math.abs(Date.parse(hit.event['@timestamp']) - Date.now())).toBeLessThan(5 * 60_000);
  });

  it('indexes RFC 5424 lines sent by logger over TCP with octet counting, found by field', async () => {
    const marker = `octet-${setup.runId}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--octet-count', '--rfc5424', '-t', `app-${setup.runId}`, '--msgid', 'ID47', `first ${marker}`]);
    const hit = await findOne(`process.name:app-${setup.runId} log.syslog.msgid:ID47`);
    expect(hit.event.message).toBe(`first ${marker}`);
  });

  it('indexes an RFC 3164 line sent by logger over UDP', async () => {
    const marker = `udp3164-${setup.runId}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-d', '--rfc3164', '-t', 'kernel', `eth0 up ${marker}`]);
    const hit = await findOne(`process.name:kernel ${marker}`);
    expect(hit.event.event.dataset).toBe('syslog_rfc3164');
  });

  it('indexes NDJSON posted by curl, keeping ECS fields and the event time', async () => {
    const marker = `ndjson-${setup.runId}`;
    const body = [
      JSON.stringify({ '@timestamp': '2026-11-20T08:00:00.000Z', message: `first ${marker}`, host: { name: 'web-1' }, 'user.name': 'alice' }),
      JSON.stringify({ message: `second ${marker}`, source: { ip: '203.0.113.9' } }),
    ].join('\n');
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-H', 'content-type: application/x-ndjson', '--data-binary', body, `http://127.0.0.1:${setup.httpPort}/ingest`]);
    expect(JSON.parse(stdout)).toEqual({ accepted: 2 });
    const first = await findOne(`"first ${marker}"`);
    expect(first.event['@timestamp']).toBe('2026-11-20T08:00:00.000Z');
    expect(first.event.host.name).toBe('web-1');
    expect(first.event.user.name).toBe('alice');
    expect(first.event.event.dataset).toBe('json');
    const second = await findOne(`source.ip:203.0.113.9 ${marker}`);
    expect(second.event.message).toBe(`second ${marker}`);
  });

  it('sends a malformed line to the dead-letter topic with its reason while its neighbours are indexed', async () => {
    const marker = `dlq-${setup.runId}`;
    const body = [`{"message":"before ${marker}"}`, `{"message": broken ${marker}`, `{"message":"after ${marker}"}`].join('\n');
    await run('curl', ['-sS', '--fail-with-body', '--data-binary', body, `http://127.0.0.1:${setup.httpPort}/ingest`]);
    await findOne(`"before ${marker}"`);
    await findOne(`"after ${marker}"`);
    const letter = await waitFor('the dead letter in Kafka, read by kcat', async () => {
      const { stdout } = await run('kcat', ['-C', '-b', inject('kafkaBrokers'), '-t', setup.deadLetterTopic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeout: 20_000 });
      return stdout
        .split('\n')
        .filter((line) => line.includes(marker))
        .map((line) => JSON.parse(line))[0];
    }, 60_000, 1000);
    expect(letter.error.code).toBe('SIEM_PARSE_INVALID_JSON');
    expect(letter.error.stage).toBe('json');
    expect(letter.raw).toBe(`{"message": broken ${marker}`);
    expect(letter.origin.topic).toBe(setup.rawTopic);
    expect(letter.input).toBe('http_ndjson');
  });

  it('answers 400 with a reason for a bad query and a bad size', async () => {
    const bad = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?q=${encodeURIComponent('"open')}`, { headers: setup.apiHeaders });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('SIEM_QUERY_SYNTAX');
    const size = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=-1`, { headers: setup.apiHeaders });
    expect(size.status).toBe(400);
  });

  it('returns events newest first within a time range', async () => {
    const marker = `range-${setup.runId}`;
    const lines = ['2026-11-01T00:00:00.000Z', '2026-11-03T00:00:00.000Z', '2026-11-02T00:00:00.000Z'].map((t) => JSON.stringify({ '@timestamp': t, message: `${marker} at ${t}` }));
    await run('curl', ['-sS', '--fail-with-body', '--data-binary', lines.join('\n'), `http://127.0.0.1:${setup.httpPort}/ingest`]);
    const result = await waitFor('three range events', async () => {
      const r = await search(marker);
      return r.total === 3 ? r : undefined;
    });
    expect(result.hits.map((h) => h.event['@timestamp'])).toEqual(['2026-11-03T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    const { stdout } = await run('curl', ['-sS', '-H', `Authorization: ApiKey ${setup.apiKey}`, '-G', `http://127.0.0.1:${setup.apiPort}/api/v1/search`, '--data-urlencode', `q=${marker}`, '--data-urlencode', 'from=2026-11-02T00:00:00Z', '--data-urlencode', 'to=2026-11-02T23:59:59Z']);
    expect(JSON.parse(stdout).hits.map((h: Hit) => h.event['@timestamp'])).toEqual(['2026-11-02T00:00:00.000Z']);
  });
});
