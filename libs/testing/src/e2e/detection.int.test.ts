import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { SCRATCH_PREFIX, removeKafkaScratch } from '../scratch';
import { waitFor } from '../wait-for';
import { startPipelineApps } from './pipeline-apps';
import { deploymentEnv, type Deployment, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** SigmaHQ rules, read where the corpus lies at test time: never copied into this repository. */
const CORPUS = path.resolve(root, '../shared/corpora/sigma/rules');
const WHOAMI_RULE = path.join(CORPUS, 'windows/process_creation/proc_creation_win_whoami_all_execution.yml');
const SSHD_RULE = path.join(CORPUS, 'linux/builtin/sshd/lnx_sshd_susp_ssh.yml');

interface AlertHit {
  id: string;
  alert: { '@timestamp': string; rule: { id: string; title: string; level: string; tags: string[] }; threat: { technique: { id: string[] }; tactic: { name: string[] } }; alert: { status: string; detected_at: string }; event: { id: string }; host?: { name?: string } };
}

/**
 * A Sysmon process creation (event 1) as Winlogbeat ships it; the field names are those of
 * Microsoft's Sysmon documentation. `whoami /all` is what the corpus rule looks for.
 */
function whoamiEvent(host: string, commandLine = 'whoami  -all'): Record<string, unknown> {
  return {
    '@timestamp': new Date().toISOString(),
    winlog: {
      channel: 'Microsoft-Windows-Sysmon/Operational',
      provider_name: 'Microsoft-Windows-Sysmon',
      event_id: 1,
      computer_name: host,
      event_data: { Image: 'C:\\Windows\\System32\\whoami.exe', OriginalFileName: 'whoami.exe', CommandLine: commandLine, User: 'CORP\\alice', ParentImage: 'C:\\Windows\\System32\\cmd.exe' },
    },
  };
}

function describeDetection(name: string, makeDeployment: () => Deployment, extraEnv: () => Record<string, string>, cleanup: (setup: PipelineEnv) => Promise<void> = async () => {}): void {
  describe(`detection end to end – ${name}`, () => {
    let setup: PipelineEnv;
    let processorMetricsPort = 0;
    const apps: AppProcess[] = [];
    const api = (route: string) => `http://127.0.0.1:${setup.apiPort}/api/v1${route}`;
    const json = async <T>(route: string, init?: RequestInit): Promise<T> => {
      const response = await fetch(api(route), { ...init, headers: { ...setup.apiHeaders, ...(init?.headers as Record<string, string> | undefined) } });
      const body = await response.json();
      if (!response.ok) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(body)}`);
      return body as T;
    };
    const alertsOf = async (ruleId: string, host?: string): Promise<AlertHit[]> => {
      const query = host ? `&q=${encodeURIComponent(`host.name:"${host}"`)}` : '';
      return (await json<{ alerts: AlertHit[] }>(`/alerts?rule=${ruleId}&size=1000${query}`)).alerts;
    };
    const ingest = async (events: readonly Record<string, unknown>[]): Promise<void> => {
      const response = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: events.map((event) => JSON.stringify(event)).join('\n') });
      expect(response.status).toBe(200);
    };
    const compiledLogs = (apps: AppProcess[]) => apps[1]!.logs.filter((line) => line.msg === 'Compiled the enabled detection rules.');

    beforeAll(async () => {
      processorMetricsPort = await freePort();
      setup = await deploymentEnv(makeDeployment(), { SIEM_RULES_POLL_MS: '300', SIEM_PROCESSOR_METRICS_PORT: String(processorMetricsPort), ...extraEnv() });
      apps.push(...(await startPipelineApps(setup.env)));
    });

    afterAll(async () => {
      const codes = await Promise.all(apps.map((app) => app.stop()));
      await setup?.cleanup();
      if (setup) await cleanup(setup);
      expect(codes).toEqual([0, 0, 0]);
    });

    it('imports corpus Sigma rules through the API and alerts on a Windows event sent to /ingest and an sshd line sent with logger, within seconds', async () => {
      const report = await json<{ imported: number; refused: number; files: { status: string; rules: { id: string }[] }[] }>('/rules/import', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [WHOAMI_RULE, SSHD_RULE].map((file) => ({ name: path.basename(file), content: readFileSync(file, 'utf8') })) }),
      });
      expect(report).toMatchObject({ imported: 2, refused: 0 });
      const [whoamiId, sshdId] = report.files.map((file) => file.rules[0]!.id);
      // Both workers compile the imported rules before anything is sent.
      await waitFor('both workers to compile the imported rules', () => compiledLogs(apps).filter((line) => line.rules === 2).length >= 2, 20_000);

      const host = `ws-${setup.runId}`;
      const sent = Date.now();
      await ingest([whoamiEvent(host), whoamiEvent(host, 'whoami /groups')]);
      const [windowsAlert] = await waitFor('the whoami alert', async () => {
        const found = await alertsOf(whoamiId!, host);
        return found.length > 0 && found;
      }, 30_000, 200);
      const seconds = (Date.now() - sent) / 1000;
      expect(seconds).toBeLessThan(30);
      expect(windowsAlert!.alert).toMatchObject({
        rule: { id: whoamiId, level: 'medium', tags: expect.arrayContaining(['attack.discovery', 'attack.t1033']) },
        threat: { technique: { id: ['T1033'] }, tactic: { name: ['discovery'] } },
        alert: { status: 'open' },
        host: { name: host },
      });
      const detail = await json<{ alert: AlertHit['alert']; event: Record<string, any> }>(`/alerts/${windowsAlert!.id}`);
      expect(detail.event.winlog.event_data.CommandLine).toBe('whoami  -all');

      await run('logger', ['-n', '127.0.0.1', '-P', String(setup.syslogPort), '-T', '--rfc5424', '-t', 'sshd', '--id=4242', '-p', 'auth.err', 'Corrupted MAC on input']);
      const [sshdAlert] = await waitFor('the sshd alert', async () => {
        const found = (await alertsOf(sshdId!)).filter((hit) => Date.parse(hit.alert.alert.detected_at) >= sent);
        return found.length > 0 && found;
      }, 30_000, 200);
      expect(sshdAlert!.alert.rule).toMatchObject({ id: sshdId, level: 'medium' });

      // Only the whoami /all event matched; the /groups one did not.
      expect(await alertsOf(whoamiId!, host)).toHaveLength(1);
      // The processor's metrics add up both workers' per-rule counters.
      const metrics = await (await fetch(`http://127.0.0.1:${processorMetricsPort}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`siem_rule_matched_total\\{rule_id="${whoamiId}"\\} 1\\n`));
      expect(metrics).toMatch(new RegExp(`siem_rule_evaluated_total\\{rule_id="${whoamiId}"\\} [1-9]`));
      if (setup.env.SIEM_KAFKA_BROKERS) {
        // Kafka deployments hand every alert to downstream tools on the alerts topic too.
        const admin = new kafkajs.Kafka({ clientId: 'siemtest-alerts', brokers: [inject('kafkaBrokers')], logLevel: kafkajs.logLevel.NOTHING }).admin();
        await admin.connect();
        try {
          const offsets = await admin.fetchTopicOffsets(setup.env.SIEM_TOPIC_ALERTS!);
          expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(2);
        } finally {
          await admin.disconnect();
        }
      }
    });

    it('applies a rule change in every worker without a restart', async () => {
      const { rules } = await json<{ rules: { id: string; title: string }[] }>(`/rules?q=${encodeURIComponent('whoami')}`);
      const whoamiId = rules[0]!.id;
      const compiledBefore = compiledLogs(apps).length;
      await json(`/rules/${whoamiId}/disable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      // Every worker reports the new set (one rule fewer) within its poll interval.
      await waitFor('both workers to drop the disabled rule', () => compiledLogs(apps).slice(compiledBefore).filter((line) => line.rules === 1).length >= 2, 10_000, 100);
      const quiet = `quiet-${setup.runId}`;
      await ingest([whoamiEvent(quiet)]);
      await waitFor('the event while disabled to be indexed', async () => (await json<{ total: number }>(`/search?q=${encodeURIComponent(`host.name:"${quiet}"`)}`)).total === 1, 30_000);
      expect(await alertsOf(whoamiId, quiet)).toEqual([]);

      await json(`/rules/${whoamiId}/enable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await waitFor('both workers to take the rule back', () => compiledLogs(apps).slice(compiledBefore).filter((line) => line.rules === 2).length >= 2, 10_000, 100);
      const loud = `loud-${setup.runId}`;
      await ingest([whoamiEvent(loud)]);
      await waitFor('the alert once enabled again', async () => (await alertsOf(whoamiId, loud)).length === 1, 30_000, 200);
    });

    // The command is a client of the API, whatever the deployment: one run of it is enough.
    it.skipIf(name !== 'embedded default')('lists rules and alerts, and disables a rule, with the siem command', async () => {
      const siem = async (...args: string[]) =>
        (await run(process.execPath, ['--import', 'tsx', path.join(root, 'tools/cli/src/main.ts'), ...args], { cwd: root, env: { ...process.env, ...setup.env } })).stdout;
      const listed = JSON.parse(await siem('rules', 'list', '--json', '--level', 'medium', '--product', 'windows')) as { rules: { id: string; title: string }[] };
      const whoami = listed.rules.find((rule) => rule.title.toLowerCase().includes('whoami'))!;
      expect(whoami).toBeDefined();
      expect(await siem('rules', 'disable', whoami.id)).toContain('is disabled');
      expect(await siem('rules', 'enable', whoami.id)).toContain('is enabled');
      const alerts = JSON.parse(await siem('alerts', '--json', '--rule', whoami.id)) as { total: number };
      expect(alerts.total).toBeGreaterThanOrEqual(2);
      expect(await siem('alerts', '--rule', whoami.id)).toMatch(/medium +open/);
    });
  });
}

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-detection-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeDetection('embedded default', () => ({ kind: 'embedded', dataDir: path.join(scratch, 'data') }), () => ({}));

let alertsTopic = '';
describeDetection(
  'Kafka and OpenSearch',
  () => ({ kind: 'cluster', kafkaBrokers: inject('kafkaBrokers'), opensearchUrl: inject('opensearchUrl') }),
  () => {
    alertsTopic = `${SCRATCH_PREFIX}.${Math.random().toString(16).slice(2, 10)}.alerts`;
    return { SIEM_TOPIC_ALERTS: alertsTopic };
  },
  async (setup) => {
    // The rule and alert indices sit beside the event prefix (siemtest-<run>.rules), outside what the env's cleanup deletes.
    await removeKafkaScratch(inject('kafkaBrokers'), [alertsTopic]);
    const response = await fetch(`${inject('opensearchUrl')}/${setup.indexPrefix.replace(/-$/, '')}.*?expand_wildcards=all`, { method: 'DELETE' });
    expect([200, 404]).toContain(response.status);
  },
);
