import { execFile } from 'node:child_process';
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

async function findOne(query: string): Promise<Hit> {
  return waitFor(`an event matching ${query}`, async () => {
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-H', `Authorization: ApiKey ${setup.apiKey}`, '-G', `http://127.0.0.1:${setup.apiPort}/api/v1/search`, '--data-urlencode', `q=${query}`]);
    const result = JSON.parse(stdout) as { hits: Hit[] };
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

describe('Windows and CloudTrail JSON through the pipeline', () => {
  it('indexes Winlogbeat, NXLog and CloudTrail lines posted by curl with their mapped ECS fields, searchable by them', async () => {
    const marker = `wincloud${setup.runId.replaceAll(/[^a-z0-9]/gi, '')}`;
    const lines = [
      {
        '@timestamp': '2026-11-20T08:00:00.000Z',
        message: `logon ${marker}`,
        winlog: {
          event_id: 4624,
          channel: 'Security',
          provider_name: 'Microsoft-Windows-Security-Auditing',
          computer_name: 'dc-1.corp',
          record_id: 5039,
          event_data: { TargetUserName: `alice${marker}`, TargetDomainName: 'CORP', IpAddress: '203.0.113.7', IpPort: '50122', LogonType: '10', ProcessId: '0x1b8' },
        },
      },
      {
        EventTime: '2026-11-20 08:01:00',
        Hostname: 'srv-2',
        EventType: 'AUDIT_FAILURE',
        EventID: 4625,
        SourceName: 'Microsoft-Windows-Security-Auditing',
        Channel: 'Security',
        Message: `failed ${marker}`,
        TargetUserName: `bob${marker}`,
        IpAddress: '198.51.100.9',
        LogonType: '3',
      },
      {
        eventVersion: '1.08',
        userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', accountId: '123456789012', userName: `carol${marker}` },
        eventTime: '2026-11-20T08:02:00Z',
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        awsRegion: 'eu-west-1',
        sourceIPAddress: '192.0.2.110',
        responseElements: { ConsoleLogin: 'Failure' },
        requestParameters: { marker },
        eventType: 'AwsConsoleSignIn',
      },
    ];
    const { stdout } = await run('curl', [
      '-sS',
      '--fail-with-body',
      '-H',
      'content-type: application/x-ndjson',
      '--data-binary',
      lines.map((line) => JSON.stringify(line)).join('\n'),
      `http://127.0.0.1:${setup.httpPort}/ingest`,
    ]);
    expect(JSON.parse(stdout)).toEqual({ accepted: 3 });

    const logon = await findOne(`user.name:alice${marker} event.action:logged-in`);
    expect(logon.event).toMatchObject({
      '@timestamp': '2026-11-20T08:00:00.000Z',
      event: { dataset: 'windows', code: '4624', category: ['authentication'], outcome: 'success' },
      winlog: { event_id: '4624', logon: { type: 'RemoteInteractive' } },
      source: { ip: '203.0.113.7', port: 50122 },
      process: { pid: 440 },
      host: { name: 'dc-1.corp' },
    });

    const failed = await findOne(`user.name:bob${marker} event.outcome:failure`);
    expect(failed.event).toMatchObject({ event: { dataset: 'windows', code: '4625', action: 'logon-failed' }, source: { ip: '198.51.100.9' }, host: { name: 'srv-2' } });

    const signIn = await findOne(`user.name:carol${marker}`);
    expect(signIn.event).toMatchObject({
      '@timestamp': '2026-11-20T08:02:00.000Z',
      event: { dataset: 'cloudtrail', action: 'ConsoleLogin', outcome: 'failure', provider: 'signin.amazonaws.com' },
      cloud: { provider: 'aws', region: 'eu-west-1', account: { id: '123456789012' } },
      source: { ip: '192.0.2.110' },
    });
    expect(JSON.parse(signIn.event.aws.cloudtrail.request_parameters)).toEqual({ marker });
  });
});
