/**
 * `siem send` of files as syslog daemons write them (no <PRI>), to the
 * embedded default with no parser configured: the lines must come out parsed,
 * with the chained body parsers' fields, and `siem send` must say how many
 * lines the collector accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type AppProcess } from '../app-process';
import { waitFor } from '../wait-for';
import { apiClient, type ApiHit } from './api-client';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-syslog-files-'));
let setup: PipelineEnv;
let stack: AppProcess;
const api = apiClient(() => setup.apiPort, () => setup.apiHeaders);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');
/** `Mmm dd hh:mm:ss` (RSYSLOG_TraditionalFileFormat) of a time shortly before now, in UTC (the parsers' default zone). */
const bsd = (date: Date) => `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
const base = Date.now() - 3_600_000;
const at = (second: number) => new Date(base + second * 1000);

const AUTH_LOG = [
  `${bsd(at(0))} authhost-e2e sshd[1000]: Failed password for admin from 198.51.100.146 port 30481 ssh2`,
  `${bsd(at(1))} authhost-e2e sshd[1001]: Accepted publickey for deploy from 10.0.0.8 port 50022 ssh2: ED25519 SHA256:Zm9vYmFy`,
  `${bsd(at(2))} authhost-e2e sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
  `${bsd(at(3))} authhost-e2e su[1200]: (to root) alice on pts/1`,
  `${bsd(at(4))} authhost-e2e CRON[1300]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`,
  `${bsd(at(5))} authhost-e2e sshd: Failed password for root from 203.0.113.7`,
];

const SYSLOG_FILE = [
  `${at(10).toISOString().replace('Z', '+00:00')} sysloghost-e2e systemd[1]: Started Daily apt download activities.`,
  `${bsd(at(11))} sysloghost-e2e kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF PROTO=TCP SPT=4431 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0`,
  `1 ${at(12).toISOString()} sysloghost-e2e billing 4711 ID47 - invoice sent`,
];

async function send(name: string, lines: string[]): Promise<string> {
  const file = path.join(scratch, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const sender = startCli(['send', file], setup.env);
  expect(await sender.exited()).toBe(0);
  return sender.stderr.join('');
}

async function findAll(query: string, count: number): Promise<ApiHit[]> {
  return waitFor(`${count} events matching ${query}`, async () => {
    const hits = await api.search(query);
    return hits.length === count ? hits : undefined;
  }, 60_000, 500);
}

beforeAll(async () => {
  setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') });
  stack = startCli(['start'], setup.env);
  await stack.waitForLog('the stack to be ready', () => stack.logs.some((l) => l.msg === 'The API is listening.') && stack.logs.some((l) => l.msg === 'The processor worker is consuming.'), 90_000);
}, 120_000);

afterAll(async () => {
  await stack?.stop(60_000, 'SIGINT');
  rmSync(scratch, { recursive: true, force: true });
});

describe('siem send of syslog files without PRI, no parser configured', () => {
  it('parses an auth.log: sshd, sudo, su and pam fields, and reports what the collector accepted', async () => {
    const summary = await send('auth.log', AUTH_LOG);
    expect(summary).toMatch(/done: 6 lines in .* s; the collector accepted 6 and refused 0/);
    const hits = await findAll('host.name:authhost-e2e', AUTH_LOG.length);
    const byMessage = (start: string) => hits.find((hit) => String(hit.event.message).startsWith(start))?.event;

    const failed = byMessage('Failed password for admin');
    expect(failed).toMatchObject({ user: { name: 'admin' }, source: { ip: '198.51.100.146', port: 30481 }, event: { action: 'ssh_login', outcome: 'failure' }, process: { name: 'sshd', pid: 1000 } });
    expect(failed?.log?.syslog?.priority).toBeUndefined();
    expect(byMessage('Accepted publickey')).toMatchObject({ user: { name: 'deploy' }, event: { outcome: 'success' } });
    expect(hits.find((hit) => hit.event.event.action === 'sudo')?.event).toMatchObject({ user: { name: 'alice', effective: { name: 'root' } }, process: { command_line: '/usr/bin/systemctl restart nginx' } });
    expect(byMessage('(to root)')).toMatchObject({ user: { name: 'alice', effective: { name: 'root' } }, event: { action: 'su' } });
    expect(byMessage('pam_unix(cron:session)')).toMatchObject({ user: { name: 'root' }, event: { action: 'session_opened' } });
    expect(byMessage('Failed password for root')).toMatchObject({ user: { name: 'root' }, source: { ip: '203.0.113.7' } });
    for (const hit of hits) expect(hit.event['@timestamp'] >= at(0).toISOString().slice(0, 19)).toBe(true);
  });

  it('parses a syslog file of ISO 8601, BSD and RFC 5424 lines, with kernel netfilter lines chained', async () => {
    const summary = await send('syslog', SYSLOG_FILE);
    expect(summary).toMatch(/the collector accepted 3 and refused 0/);
    const hits = await findAll('host.name:sysloghost-e2e', SYSLOG_FILE.length);
    const datasets = hits.map((hit) => hit.event.event.dataset).sort();
    expect(datasets).toEqual(['iptables', 'syslog_rfc3164', 'syslog_rfc5424']);
    const firewall = hits.find((hit) => hit.event.event.dataset === 'iptables')!.event;
    expect(firewall).toMatchObject({ source: { ip: '203.0.113.9', port: 4431 }, destination: { ip: '10.0.0.5', port: 22 } });
    const rfc5424 = hits.find((hit) => hit.event.event.dataset === 'syslog_rfc5424')!.event;
    expect(rfc5424).toMatchObject({ message: 'invoice sent', process: { name: 'billing', pid: 4711 } });
  });
});
