import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);

interface Deployed {
  readonly name: string;
  readonly setup: PipelineEnv;
  readonly apps: AppProcess[];
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-parity-'));
const deployments: Deployed[] = [];
const marker = `parity${Date.now().toString(36)}`;

async function searchMessages(setup: PipelineEnv, query: string, extra: Record<string, string> = {}): Promise<string[]> {
  const params = new URLSearchParams({ q: query, size: '100', ...extra });
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?${params}`, { headers: setup.apiHeaders });
  const body = (await response.json()) as { hits: { event: { message: string } }[] };
  return body.hits.map((hit) => hit.event.message);
}

/** The same senders feed both deployments. */
async function sendScenario(setup: PipelineEnv): Promise<void> {
  const port = String(setup.syslogPort);
  await run('logger', ['-n', '127.0.0.1', '-P', port, '-d', '--rfc5424', '-t', 'sshd', '-p', 'auth.warning', `Failed password for root from 203.0.113.7 ${marker}`]);
  await run('logger', ['-n', '127.0.0.1', '-P', port, '-T', '--rfc3164', '-t', 'cron', '-p', 'cron.info', `job finished ${marker}`]);
  await run('logger', ['-n', '127.0.0.1', '-P', port, '-T', '--octet-count', '--rfc5424', '-t', 'sudo', `root command run ${marker}`]);
  const ndjson = [
    { '@timestamp': '2026-11-20T08:00:00.000Z', message: `login ok ${marker}`, host: { name: 'web-1' }, user: { name: 'alice' }, event: { outcome: 'success' } },
    { '@timestamp': '2026-11-21T08:00:00.000Z', message: `login failed ${marker}`, host: { name: 'web-2' }, user: { name: 'bob' }, event: { outcome: 'failure' } },
    { '@timestamp': '2026-11-22T08:00:00.000Z', message: `file download ${marker}`, host: { name: 'db-1' }, source: { ip: '198.51.100.4' } },
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');
  await run('curl', ['-sS', '--fail-with-body', '--data-binary', `${ndjson}\n{broken json ${marker}`, `http://127.0.0.1:${setup.httpPort}/ingest`]);
}

const QUERIES: [string, Record<string, string>?][] = [
  [marker],
  [`${marker} login`],
  [`"login failed" ${marker}`],
  [`host.name:web-1 ${marker}`],
  [`host.name:web-* ${marker}`],
  [`-host.name:web-1 ${marker}`],
  [`user.name:* ${marker}`],
  [`process.name:sshd ${marker}`],
  [`log.syslog.severity.name:warning ${marker}`],
  [`event.outcome:failure ${marker}`],
  [`source.ip:198.51.100.4 ${marker}`],
  [marker, { from: '2026-11-21T00:00:00Z', to: '2026-11-21T23:59:59Z' }],
  [`event.kind:pipeline_error ${marker}`],
  [`error.code:SIEM_PARSE_INVALID_JSON ${marker}`],
];

beforeAll(async () => {
  const targets = [
    { name: 'embedded', env: await deploymentEnv({ kind: 'embedded', dataDir }) },
    { name: 'kafka+opensearch', env: await deploymentEnv({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') }) },
  ];
  for (const { name, env } of targets) {
    const apps = (['collector', 'processor', 'api'] as const).map((app) => startApp(app, env.env));
    deployments.push({ name, setup: env, apps });
    await apps[0]!.waitForLog('the collector', (l) => l.msg === 'The collector is listening.');
    await apps[1]!.waitForLog('both workers', () => apps[1]!.logs.filter((l) => l.msg === 'The processor worker is consuming.').length === 2);
    await apps[2]!.waitForLog('the API', (l) => l.msg === 'The API is listening.');
  }
  await Promise.all(deployments.map((d) => sendScenario(d.setup)));
  for (const { setup } of deployments) {
    // Six events and the dead letter of the broken line, which is searchable too.
    await waitFor('all seven scenario documents', async () => (await searchMessages(setup, marker)).length === 7, 90_000, 500);
  }
});

afterAll(async () => {
  await Promise.all(deployments.flatMap((d) => d.apps.map((app) => app.stop())));
  rmSync(dataDir, { recursive: true, force: true });
  await Promise.all(deployments.map((d) => d.setup.cleanup()));
});

describe('parity: the embedded default and Kafka + OpenSearch return the same hits', () => {
  it.each(QUERIES)('%s %o', async (query, extra) => {
    const [embedded, cluster] = await Promise.all(deployments.map((d) => searchMessages(d.setup, query, extra)));
    expect(embedded!.length).toBeGreaterThan(0);
    expect(embedded).toEqual(cluster);
  });

  it('returns every scenario event newest first in both', async () => {
    for (const { setup } of deployments) {
      const messages = await searchMessages(setup, marker);
      expect(messages.slice(-3)).toEqual([`file download ${marker}`, `login failed ${marker}`, `login ok ${marker}`]);
    }
  });
});
