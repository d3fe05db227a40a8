/**
 * Lines as syslog daemons write them to files (no <PRI>), reaching the
 * embedded deployment with no parser configured, two ways: through a
 * syslog-ng relay that forwards the file's lines unchanged over TCP and UDP,
 * and through the file agent tailing an auth.log. Both must come out parsed,
 * with the chained body parsers' fields.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type AppProcess } from '../app-process';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { apiClient, type ApiHit } from './api-client';
import { startSyslogNg } from './collector-peers';
import { startPipelineApps } from './pipeline-apps';
import { deploymentEnv, type PipelineEnv } from './pipeline-env';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-syslog-relay-'));
let setup: PipelineEnv;
const apps: AppProcess[] = [];
const api = apiClient(() => setup.apiPort, () => setup.apiHeaders);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');
/** `Mmm dd hh:mm:ss` of a time shortly before now, in UTC (the parsers' default zone). */
const bsd = (date: Date) => `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
const at = (second: number) => new Date(Date.now() - 3_600_000 + second * 1000);

async function findAll(query: string, count: number): Promise<ApiHit[]> {
  return waitFor(`${count} events matching ${query}`, async () => {
    const hits = await api.search(query);
    return hits.length === count ? hits : undefined;
  }, 90_000, 500);
}

beforeAll(async () => {
  setup = await deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, 'data') }, { SIEM_FILE_POLL_MS: '50', SIEM_FILE_SCAN_INTERVAL_MS: '200' });
  apps.push(...(await startPipelineApps(setup.env)));
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all(apps.map((app) => app.stop()));
  rmSync(scratch, { recursive: true, force: true });
  expect(codes).toEqual([0, 0, 0]);
});

describe('PRI-less syslog lines with no parser configured', () => {
  it('arrive through a syslog-ng relay over TCP and UDP, parsed by their programs', async () => {
    const host = `relayhost${setup.runId}`;
    const tcpLines = [
      `${bsd(at(0))} ${host} sshd[1000]: Failed password for admin from 198.51.100.146 port 30481 ssh2`,
      `${bsd(at(1))} ${host} postfix/smtpd[2102]: NOQUEUE: reject: RCPT from unknown[203.0.113.9]: 554 5.7.1 <victim@example.net>: Relay access denied; from=<spam@example.org> to=<victim@example.net> proto=ESMTP helo=<example.org>`,
    ];
    const udpLines = [
      `${bsd(at(2))} ${host} named[812]: client @0x7f2a1c0d8e60 198.51.100.7#53211 (www.example.com): query: www.example.com IN A +E(0)K (192.0.2.53)`,
      `${bsd(at(3))} ${host} kernel: [12345.678901] audit: type=1400 audit(1796378400.123:42): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=1234 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
    ];
    const tcpFile = path.join(scratch, 'relay-tcp.log');
    const udpFile = path.join(scratch, 'relay-udp.log');
    writeFileSync(tcpFile, `${tcpLines.join('\n')}\n`);
    writeFileSync(udpFile, `${udpLines.join('\n')}\n`);
    // flags(no-parse) makes the whole file line the message; the template forwards it as it is, without a PRI or header of the relay's own.
    const relay = startSyslogNg(scratch, [
      { inputFile: tcpFile, destination: `network("127.0.0.1" port(${setup.syslogPort}) transport("tcp") template("\${MESSAGE}\\n"))` },
      { inputFile: udpFile, destination: `network("127.0.0.1" port(${setup.syslogPort}) transport("udp") template("\${MESSAGE}"))` },
    ]);
    try {
      const hits = await findAll(`host.name:${host}`, 4);
      const byDataset = Object.fromEntries(hits.map((hit) => [hit.event.event.dataset, hit.event]));
      expect(Object.keys(byDataset).sort(), relay.output.join('')).toEqual(['bind', 'kernel_audit', 'linux_auth', 'postfix']);
      expect(byDataset.linux_auth).toMatchObject({ user: { name: 'admin' }, source: { ip: '198.51.100.146', port: 30481 }, event: { outcome: 'failure' } });
      expect(byDataset.postfix).toMatchObject({ event: { action: 'reject', outcome: 'failure' }, source: { ip: '203.0.113.9' } });
      expect(byDataset.bind).toMatchObject({ dns: { question: { name: 'www.example.com', type: 'A' } }, client: { ip: '198.51.100.7' } });
      expect(byDataset.kernel_audit).toMatchObject({ event: { action: 'violated-apparmor-policy' }, file: { path: '/etc/shadow' } });
      for (const hit of hits) {
        expect(hit.event.log.syslog.priority).toBeUndefined();
        // Enrichment tags documentation addresses; no parse failure or receipt-time tag may be among the tags.
        expect((hit.event.tags ?? []).filter((tag: string) => tag.startsWith('_') || tag.endsWith('_parse_failure'))).toEqual([]);
      }
    } finally {
      relay.kill('SIGTERM');
    }
  });

  it('are read by the file agent tailing an auth.log', async () => {
    const host = `agenthost${setup.runId}`;
    const file = path.join(scratch, 'auth.log');
    writeFileSync(file, '');
    const agent = startCli(['agent', '--files', file], { ...setup.env, SIEM_COLLECTOR_METRICS_PORT: String(await freePort()) });
    try {
      await agent.waitForLog('the agent to run', (l) => l.msg === 'The collector is listening.');
      appendFileSync(file, [
        `${bsd(at(10))} ${host} sshd[1000]: Accepted publickey for deploy from 10.0.0.8 port 50022 ssh2: ED25519 SHA256:Zm9vYmFy`,
        `${bsd(at(11))} ${host} sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id`,
        `${bsd(at(12))} ${host} dovecot: imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.5, mpid=4242, TLS`,
        '',
      ].join('\n'));
      const hits = await findAll(`host.name:${host}`, 3);
      expect(hits.map((hit) => hit.event.event.dataset).sort()).toEqual(['dovecot', 'linux_auth', 'linux_auth']);
      expect(hits.every((hit) => hit.event.log.file.path === file)).toBe(true);
      expect(hits.find((hit) => hit.event.event.dataset === 'dovecot')!.event).toMatchObject({ user: { name: 'alice' }, event: { action: 'logged-in' } });
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });
});
