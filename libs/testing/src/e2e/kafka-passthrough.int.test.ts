import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafka, ensureKafkaTopics } from '@siem/bus';
import { createLogger } from '@siem/telemetry';
import { startApp, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { StopWaiting, waitFor } from '../wait-for';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);

interface Hit {
  _id: string;
  _source: Record<string, any>;
}

let setup: PipelineEnv;
let processor: AppProcess;
let syslogNg: ChildProcess | undefined;
let workDir: string;
let relayPort: number;
const syslogNgOutput: string[] = [];

/** Searches the run's indices directly, so that only the processor is under test. */
async function findOne(marker: string): Promise<Hit> {
  return waitFor(`one event with ${marker} in OpenSearch (syslog-ng said: ${syslogNgOutput.join('').slice(-1000)})`, async () => {
    const url = `${inject('opensearchUrl')}/${setup.indexPrefix}*/_search?ignore_unavailable=true&allow_no_indices=true`;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { query_string: { query: `"${marker}"` } } }) });
    const hits = ((await response.json()) as { hits?: { hits: Hit[] } }).hits?.hits ?? [];
    return hits.length === 1 ? hits[0] : undefined;
  }, 90_000, 500);
}

/**
 * syslog-ng as a relay that writes straight to Kafka with kafka-c(): lines of a
 * file as they are, and RFC 5424 syslog received over TCP (octet counting)
 * re-rendered as RFC 3164.
 */
function syslogNgConfig(brokers: string, topic: string, file: string, port: number): string {
  return `@version: 3.38
options { stats-freq(0); };
source s_file { file("${file}" follow-freq(0.2) flags(no-parse)); };
source s_tcp { syslog(ip("127.0.0.1") port(${port}) transport("tcp")); };
destination d_lines { kafka-c(bootstrap-servers("${brokers}") topic("${topic}") key("\${HOST}") message("\${MESSAGE}") persist-name("lines")); };
destination d_syslog { kafka-c(bootstrap-servers("${brokers}") topic("${topic}") key("\${HOST}") message("<\${PRI}>\${DATE} \${HOST} \${MSGHDR}\${MSG}") persist-name("syslog")); };
log { source(s_file); destination(d_lines); };
log { source(s_tcp); destination(d_syslog); };
`;
}

beforeAll(async () => {
  setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'));
  const kafka = createKafka({ brokers: [inject('kafkaBrokers')], clientId: 'passthrough-test', logger: createLogger('passthrough-test', 'silent') });
  await ensureKafkaTopics(kafka, [setup.rawTopic, setup.deadLetterTopic].map((topic) => ({ topic, partitions: 2, replicationFactor: 1 })));
  processor = startApp('processor', setup.env);
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.');

  workDir = await mkdtemp(path.join(tmpdir(), 'siem-syslog-ng-'));
  relayPort = await freePort();
  const lines = path.join(workDir, 'app.log');
  await writeFile(lines, '');
  await writeFile(path.join(workDir, 'syslog-ng.conf'), syslogNgConfig(inject('kafkaBrokers'), setup.rawTopic, lines, relayPort));
  syslogNg = spawn(
    'syslog-ng',
    ['-F', '--no-caps', '-f', path.join(workDir, 'syslog-ng.conf'), `--persist-file=${path.join(workDir, 'persist')}`, `--pidfile=${path.join(workDir, 'pid')}`, `--control=${path.join(workDir, 'ctl')}`, '-e'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  syslogNg.stdout!.setEncoding('utf8').on('data', (chunk: string) => syslogNgOutput.push(chunk));
  syslogNg.stderr!.setEncoding('utf8').on('data', (chunk: string) => syslogNgOutput.push(chunk));
  await waitFor('syslog-ng to start', () => {
    if (syslogNg!.exitCode !== null) throw new StopWaiting(`syslog-ng exited with ${syslogNg!.exitCode}: ${syslogNgOutput.join('')}`);
    return syslogNgOutput.join('').includes('syslog-ng starting up');
  }, 30_000, 100);
});

afterAll(async () => {
  if (syslogNg && syslogNg.exitCode === null) {
    const exited = new Promise((resolve) => syslogNg!.once('exit', resolve));
    syslogNg.kill('SIGTERM');
    await exited;
  }
  const code = await processor.stop();
  await rm(workDir, { recursive: true, force: true });
  await setup?.cleanup();
  expect(code).toBe(0);
});

describe('Kafka passthrough: senders that produce straight to siem.raw', () => {
  it('indexes lines syslog-ng ships from a file with kafka-c(): the value is the line, the key the relay host', async () => {
    const marker = `sng-file-${setup.runId}`;
    await appendFile(path.join(workDir, 'app.log'), `${JSON.stringify({ message: `shipped ${marker}`, user: { name: 'carol' } })}\n`);
    const hit = await findOne(marker);
    expect(hit._source.message).toBe(`shipped ${marker}`);
    expect(hit._source.user.name).toBe('carol');
    expect(hit._source.event.dataset).toBe('json');
    expect(hit._source.log.source.address).toBe(hostname());
  });

  it('indexes syslog that syslog-ng relays from TCP to Kafka as RFC 3164, with its syslog fields', async () => {
    const marker = `sng-tcp-${setup.runId}`;
    await run('logger', ['-n', '127.0.0.1', '-P', String(relayPort), '-T', '--octet-count', '--rfc5424', '-t', 'relayed', '-p', 'auth.notice', `login ok ${marker}`]);
    const hit = await findOne(marker);
    expect(hit._source.message).toBe(`login ok ${marker}`);
    expect(hit._source.process.name).toBe('relayed');
    expect(hit._source.log.syslog.facility).toEqual({ code: 4, name: 'auth' });
    expect(hit._source.event.dataset).toBe('syslog_rfc3164');
    expect(hit._source.event.original).toMatch(/^<37>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /);
  });

  it('takes the siem.* headers kcat sets as the receipt metadata', async () => {
    const marker = `kcat-headers-${setup.runId}`;
    const line = `<134>1 2026-11-20T08:00:00.000Z web-7 nginx 42 - - GET /health ${marker}`;
    await run('bash', ['-c', 'printf "%s\\n" "$1" | kcat -P -b "$2" -t "$3" -k web-7 -H siem.source_address=203.0.113.7 -H siem.received_at=2026-11-20T08:00:01.000Z -H siem.input=edge_relay', 'kcat', line, inject('kafkaBrokers'), setup.rawTopic]);
    const hit = await findOne(marker);
    expect(hit._source['@timestamp']).toBe('2026-11-20T08:00:00.000Z');
    expect(hit._source.host.name).toBe('web-7');
    expect(hit._source.log.source.address).toBe('203.0.113.7');
    expect(hit._source.event.original).toBe(line);
  });

  it('indexes a bare value with neither key nor headers, and dead-letters a bad one beside it', async () => {
    const marker = `kcat-bare-${setup.runId}`;
    const lines = [JSON.stringify({ message: `bare ${marker}` }), `{"message": broken ${marker}`].join('\n');
    await run('bash', ['-c', 'printf "%s\\n" "$1" | kcat -P -b "$2" -t "$3"', 'kcat', lines, inject('kafkaBrokers'), setup.rawTopic]);
    const hit = await findOne(`bare ${marker}`);
    expect(hit._source.message).toBe(`bare ${marker}`);
    expect(hit._source.log?.source).toBeUndefined();
    const { stdout } = await waitFor('the dead letter, read with kcat', async () => {
      const result = await run('kcat', ['-C', '-b', inject('kafkaBrokers'), '-t', setup.deadLetterTopic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { timeout: 20_000 });
      return result.stdout.includes(`broken ${marker}`) ? result : undefined;
    }, 60_000, 1_000);
    const letter = JSON.parse(stdout.split('\n').find((l) => l.includes(`broken ${marker}`))!);
    expect(letter.error.code).toBe('SIEM_PARSE_INVALID_JSON');
    expect(letter.input).toBe('kafka');
  });

  it('dead-letters a message that claims to be a batch envelope but is not, and indexes the line sent after it', async () => {
    const marker = `kcat-envelope-${setup.runId}`;
    await run('bash', ['-c', 'printf "%s\\n" "$1" | kcat -P -b "$2" -t "$3" -k forger -H siem.envelope=1 && printf "%s\\n" "$4" | kcat -P -b "$2" -t "$3" -k forger', 'kcat', `not an envelope ${marker}`, inject('kafkaBrokers'), setup.rawTopic, JSON.stringify({ message: `after ${marker}` })]);
    const letter = await findOne(`not an envelope ${marker}`);
    expect(letter._source.event.kind).toBe('pipeline_error');
    expect(letter._source.error.code).toBe('SIEM_BUS_ENVELOPE_INVALID');
    expect(letter._source.error.message).toMatch(/batch envelope at .* is invalid/);
    expect((await findOne(`after ${marker}`))._source.message).toBe(`after ${marker}`);
  });
});
