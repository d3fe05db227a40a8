import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type AppProcess } from '../app-process';
import { StopWaiting, waitFor } from '../wait-for';
import { pipelineEnv, type PipelineEnv } from './pipeline-env';

const run = promisify(execFile);

interface Hit {
  id: string;
  event: Record<string, any>;
}

let setup: PipelineEnv;
const apps: AppProcess[] = [];

/** Inputs named after what they carry, each routed to its format's parser; syslog-ng's records carry no input name and fall to `*`. */
const ROUTES = 'nginx=nginx_access,apache_error=apache_error,authlog=linux_auth,audit=auditd,kern=iptables,*=linux_auth';

let workDir: string;
let syslogNg: ChildProcess | undefined;
const syslogNgOutput: string[] = [];

/** syslog-ng following an auth.log-style file and writing each line unchanged to the raw topic with kafka-c(). */
async function startSyslogNg(file: string): Promise<void> {
  const conf = path.join(workDir, 'syslog-ng.conf');
  await writeFile(
    conf,
    `@version: 3.38
options { stats-freq(0); };
source s_auth { file("${file}" follow-freq(0.2) flags(no-parse)); };
destination d_raw { kafka-c(bootstrap-servers("${inject('kafkaBrokers')}") topic("${setup.rawTopic}") message("\${MESSAGE}")); };
log { source(s_auth); destination(d_raw); };
`,
  );
  syslogNg = spawn('syslog-ng', ['-F', '--no-caps', '-e', '-f', conf, `--persist-file=${path.join(workDir, 'persist')}`, `--pidfile=${path.join(workDir, 'pid')}`, `--control=${path.join(workDir, 'ctl')}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  syslogNg.stdout!.setEncoding('utf8').on('data', (chunk: string) => syslogNgOutput.push(chunk));
  syslogNg.stderr!.setEncoding('utf8').on('data', (chunk: string) => syslogNgOutput.push(chunk));
  await waitFor('syslog-ng to start', () => {
    if (syslogNg!.exitCode !== null) throw new StopWaiting(`syslog-ng exited with ${syslogNg!.exitCode}: ${syslogNgOutput.join('')}`);
    return syslogNgOutput.join('').includes('syslog-ng starting up');
  }, 30_000, 100);
}

async function search(query: string): Promise<Hit[]> {
  const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-H', `Authorization: ApiKey ${setup.apiKey}`, '-G', `http://127.0.0.1:${setup.apiPort}/api/v1/search`, '--data-urlencode', `q=${query}`, '--data-urlencode', 'size=100']);
  return (JSON.parse(stdout) as { hits: Hit[] }).hits;
}

/** Produces one Kafka message per line with kcat, as a shipper writing straight to the raw topic would. */
async function produce(input: string, lines: string[]): Promise<void> {
  const kcat = spawn('kcat', ['-P', '-b', inject('kafkaBrokers'), '-t', setup.rawTopic, '-H', `siem.input=${input}`, '-H', `siem.received_at=${new Date().toISOString()}`, '-H', 'siem.source_address=192.0.2.44']);
  let stderr = '';
  kcat.stderr.on('data', (chunk) => (stderr += String(chunk)));
  kcat.stdin.end(`${lines.join('\n')}\n`);
  const code = await new Promise<number | null>((resolve) => kcat.on('close', resolve));
  expect(code, stderr).toBe(0);
}

async function findAll(query: string, count: number): Promise<Hit[]> {
  return waitFor(`${count} events matching ${query}`, async () => {
    const hits = await search(query);
    return hits.length === count ? hits : undefined;
  }, 60_000, 500);
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'siem-log-formats-'));
  setup = await pipelineEnv(inject('kafkaBrokers'), inject('opensearchUrl'), { SIEM_PARSERS: ROUTES });
  const processor = startApp('processor', setup.env);
  const api = startApp('api', setup.env);
  apps.push(processor, api);
  await processor.waitForLog('a worker to consume', (l) => l.msg === 'The processor worker is consuming.', 90_000);
  await api.waitForLog('the API to listen', (l) => l.msg === 'The API is listening.');
});

afterAll(async () => {
  if (syslogNg && syslogNg.exitCode === null) {
    const exited = new Promise((resolve) => syslogNg!.once('exit', resolve));
    syslogNg.kill('SIGTERM');
    await exited;
  }
  await rm(workDir, { recursive: true, force: true });
  const codes = await Promise.all(apps.map((app) => app.stop()));
  await setup?.cleanup();
  expect(codes).toEqual([0, 0]);
});

describe('web, auth, audit and firewall logs through Kafka (kcat) → processor → OpenSearch', () => {
  it('indexes nginx access lines with numeric status and bytes, and dead-letters a truncated one with its reason', async () => {
    const marker = `nginx${setup.runId}`;
    await produce('nginx', [
      `203.0.113.9 - alice [02/Jan/2024:03:04:05 +0000] "GET /${marker}/caf\\xC3\\xA9?q=1 HTTP/1.1" 404 153 "-" "curl/8.5.0"`,
      `203.0.113.10 - - [02/Jan/2024:03:04:06 +0000] "POST /${marker}/login HTTP/1.1" 200 - "https://example.com/" "Mozilla/5.0"`,
      `203.0.113.11 - - [02/Jan/2024:03:04:07 +0000] "GET /${marker}/cut HTTP/1.1" 200 12 "https://exa`,
    ]);
    const hits = await findAll(`event.dataset:nginx_access http.response.status_code:404 ${marker}`, 1);
    const failed = hits[0]?.event;
    expect(failed?.['@timestamp']).toBe('2024-01-02T03:04:05.000Z');
    expect(failed?.source).toMatchObject({ address: '203.0.113.9', ip: '203.0.113.9' });
    expect(failed?.user).toEqual({ name: 'alice' });
    expect(failed?.url).toEqual({ original: `/${marker}/café?q=1`, path: `/${marker}/café`, query: 'q=1' });
    expect(failed?.http).toEqual({ request: { method: 'GET' }, response: { status_code: 404, body: { bytes: 153 } }, version: '1.1' });
    expect(failed?.event).toMatchObject({ category: ['web'], outcome: 'failure' });
    const [ok] = await findAll(`event.dataset:nginx_access http.request.method:POST ${marker}`, 1);
    expect(ok?.event.http.response).toEqual({ status_code: 200 });
    const [letter] = await findAll(`event.kind:pipeline_error ${marker}`, 1);
    expect(letter?.event.error).toMatchObject({ code: 'SIEM_PARSE_ACCESS_LOG_MISMATCH', type: 'nginx_access' });
  });

  it('indexes apache error, auth.log, auditd and iptables lines with their ECS fields', async () => {
    const marker = `mixed${setup.runId}`;
    await produce('apache_error', [`[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5555] AH00124: ${marker} redirects`]);
    await produce('authlog', [
      `Feb 21 21:54:44 bastion sshd[3402]: Failed password for invalid user ${marker} from 203.0.113.9 port 52311 ssh2`,
      `Feb 21 21:55:00 bastion sudo:    ${marker} : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls`,
    ]);
    await produce('audit', [
      `type=USER_LOGIN msg=audit(1364481363.243:24290): pid=3540 uid=0 auid=4294967295 msg='op=login acct="${marker}" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.9 terminal=ssh res=failed'\u001dUID="root"`,
      `type=PROCTITLE msg=audit(1364481363.243:24291): proctitle=${Buffer.from(`cat\0/etc/${marker}`).toString('hex')}`,
    ]);
    await produce('kern', [`Nov 23 11:00:00 fw-1 kernel: [12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=00:15:5d:01:02:03:00:15:5d:04:05:06:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=5555 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0 ${marker}=1`]);

    const [apache] = await findAll(`event.dataset:apache_error ${marker}`, 1);
    expect(apache?.event).toMatchObject({ log: { level: 'error' }, error: { code: 'AH00124' }, process: { pid: 1234, thread: { id: 5678 } }, source: { ip: '10.0.0.1', port: 5555 } });

    const auth = await findAll(`event.dataset:linux_auth ${marker}`, 2);
    const login = auth.find((hit) => hit.event.event.action === 'ssh_login')?.event;
    expect(login).toMatchObject({
      host: { name: 'bastion' },
      process: { name: 'sshd', pid: 3402 },
      user: { name: marker },
      source: { ip: '203.0.113.9', port: 52311 },
      event: { category: ['authentication'], outcome: 'failure' },
      system: { auth: { ssh: { method: 'password', invalid_user: true } } },
    });
    const sudo = auth.find((hit) => hit.event.event.action === 'sudo')?.event;
    expect(sudo).toMatchObject({ user: { name: marker, effective: { name: 'root' } }, process: { command_line: '/bin/ls' } });

    const [auditLogin] = await findAll(`event.dataset:auditd auditd.message_type:USER_LOGIN ${marker}`, 1);
    const userLogin = auditLogin?.event;
    expect(userLogin).toMatchObject({ '@timestamp': '2013-03-28T14:36:03.243Z', user: { name: 'root' }, source: { ip: '203.0.113.9' }, event: { outcome: 'failure', action: 'user_login' } });
    expect(userLogin?.auditd.log).toMatchObject({ acct: marker, res: 'failed', terminal: 'ssh' });
    // The marker is hex in the line, so the decoded title is what finds it.
    const [proctitle] = await findAll(`event.dataset:auditd auditd.sequence:24291`, 1);
    expect(proctitle?.event.process.title).toBe(`cat /etc/${marker}`);

    const [packet] = await findAll(`event.dataset:iptables event.action:ufw-block ${marker}`, 1);
    expect(packet?.event).toMatchObject({
      source: { ip: '10.0.0.1', port: 5555 },
      destination: { ip: '10.0.0.2', port: 22 },
      network: { transport: 'tcp', bytes: 60 },
      observer: { ingress: { interface: { name: 'eth0' } } },
      iptables: { ttl: 64, fragment_flags: ['DF'], tcp: { flags: ['SYN'], window: 29200 } },
    });
  });

  it('indexes auth.log lines that syslog-ng follows in a file and ships with kafka-c()', async () => {
    const marker = `sng${setup.runId}`;
    const file = path.join(workDir, 'auth.log');
    await writeFile(file, '');
    await startSyslogNg(file);
    await appendFile(
      file,
      [
        `Nov 23 10:01:02 bastion sshd[4242]: Accepted publickey for ${marker} from 198.51.100.23 port 50022 ssh2: ED25519 SHA256:abcdefghijklmnop`,
        `Nov 23 10:01:03 bastion sshd[4242]: pam_unix(sshd:session): session opened for user ${marker}(uid=1000) by (uid=0)`,
        `Nov 23 10:01:04 bastion useradd[4250]: new user: name=${marker}, UID=1001, GID=1001, home=/home/${marker}, shell=/bin/bash`,
        `Nov 23 10:01:05 bastion systemd-logind[512]: New session 7 of user ${marker}.`,
        '',
      ].join('\n'),
    );
    const hits = await findAll(`event.dataset:linux_auth host.name:bastion ${marker}`, 4);
    const byAction = new Map(hits.map((hit) => [hit.event.event.action ?? 'none', hit.event]));
    expect(byAction.get('ssh_login')).toMatchObject({
      process: { name: 'sshd', pid: 4242 },
      user: { name: marker },
      source: { ip: '198.51.100.23', port: 50022 },
      event: { outcome: 'success', category: ['authentication', 'session'] },
      system: { auth: { ssh: { method: 'publickey', signature: 'ED25519 SHA256:abcdefghijklmnop' } } },
    });
    expect(byAction.get('session_opened')).toMatchObject({ user: { name: marker }, event: { type: ['start'] } });
    expect(byAction.get('user_created')).toMatchObject({ user: { name: marker, id: '1001' }, event: { category: ['iam'] } });
    expect(byAction.get('none')).toMatchObject({ process: { name: 'systemd-logind' }, message: `New session 7 of user ${marker}.` });
  });
});
