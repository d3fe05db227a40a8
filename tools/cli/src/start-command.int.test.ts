import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentEnv, waitFor, type LogLine, type PipelineEnv } from '@siem/testing';

// `siem start` on the embedded default: quick to start, and nothing shared with other tests.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function embeddedSetup(name: string): Promise<PipelineEnv> {
  return deploymentEnv({ kind: 'embedded', dataDir: path.join(scratch, name) }, { SIEM_PROCESSOR_WORKERS: '1' });
}

/**
 * Whether the process still runs. A zombie does not: it exited and waits to be
 * reaped by PID 1, which in some sandboxes never reaps (tsx's esbuild service
 * process is orphaned that way when the CLI exits).
 */
const isAlive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

/** Every process below `pid`, from the process table. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

async function search(setup: PipelineEnv, query: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=1000&q=${encodeURIComponent(query)}`, { headers: setup.apiHeaders });
  return response.ok ? ((await response.json()) as { hits: unknown[] }).hits.length : -1;
}

interface Launched {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The pino lines among it: the CLI's and those of the apps it relays. */
  logs(): LogLine[];
  readonly exited: Promise<number | null>;
}

/** Starts `command` in the repository as a user would (npm start, npx siem start), with the run's settings. */
function launch(command: string, args: string[], setup: PipelineEnv): Launched {
  const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...setup.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const logs = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, output: () => output, logs, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Waits for the banner, then checks that npm's child is node itself: no shell in between to drop a signal. */
async function ready(launched: Launched): Promise<number[]> {
  await waitFor(`the stack to be ready (output: ${launched.output().slice(-1500)})`, () => launched.output().includes('SIEM is running.'), 120_000, 200);
  const [cli] = descendants(launched.child.pid!);
  expect(execFileSync('ps', ['-o', 'args=', '-p', String(cli)], { encoding: 'utf8' })).toMatch(/^node .*(tools\/cli\/src\/main\.ts|bin\/siem)/);
  return descendants(launched.child.pid!);
}

async function stopsCleanly(launched: Launched, tree: number[], signal: NodeJS.Signals): Promise<void> {
  launched.child.kill(signal);
  expect(await launched.exited).toBe(0);
  expect(launched.output()).toContain('Every app stopped cleanly.');
  expect(launched.output()).toContain('Every processor worker has stopped.');
  const left = tree.filter(isAlive);
  expect(left.length === 0 ? '' : execFileSync('ps', ['-o', 'pid,ppid,stat,args', '-p', left.join(',')], { encoding: 'utf8' })).toBe('');
}

describe('siem start', () => {
  it('under npm start, restarts a killed API within seconds while the collector and processor keep running, and stops on SIGTERM', async () => {
    const setup = await embeddedSetup('supervision');
    const stack = launch('npm', ['start'], setup);
    await ready(stack);
    const pidOf = (msg: string) => stack.logs().find((l) => l.msg === msg)?.pid as number;
    const [collector, processor, worker, api] = ['The collector is listening.', 'The processor primary started its workers.', 'The processor worker is consuming.', 'The API is listening.'].map(pidOf);

    process.kill(api!, 'SIGKILL');
    const body = Array.from({ length: 100 }, (_, i) => JSON.stringify({ message: `outage-${setup.runId} event ${i}` })).join('\n');
    const posted = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
    expect(posted.status).toBe(200);

    await waitFor('the API to be back', () => stack.logs().some((l) => l.msg === 'The app is back.' && l.app === 'api'), 60_000, 100);
    expect(stack.output()).toContain('api DOWN (restarting; 1 restart so far)');
    expect(await waitFor('the events sent during the outage', async () => (await search(setup, `outage-${setup.runId}`)) === 100, 60_000, 500)).toBe(true);
    const exits = stack.logs().filter((l) => l.msg === 'An app exited; restarting it while the others keep running.');
    expect(exits.map((l) => [l.app, l.signal])).toEqual([['api', 'SIGKILL']]);
    for (const pid of [collector!, processor!, worker!]) expect(isAlive(pid)).toBe(true);
    expect(stack.logs().filter((l) => l.msg === 'The API is listening.').at(-1)!.pid).not.toBe(api);

    await stopsCleanly(stack, descendants(stack.child.pid!), 'SIGTERM');
  }, 240_000);

  it('under npm start on a new data directory, prints the first admin key once, and the banner\'s curl and siem search work as printed', async () => {
    const setup = await embeddedSetup('first-key');
    const env = Object.fromEntries(Object.entries(setup.env).filter(([name]) => name !== 'SIEM_ADMIN_KEY'));
    const stack = launch('npm', ['start'], { ...setup, env });
    await ready(stack);
    const file = path.join(env.SIEM_DATA_DIR!, 'admin.key');
    const key = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(stack.output().split(key).length - 1).toBe(1);

    const banner = stack.output().split('\n');
    const curl = banner.find((line) => line.includes('curl -sS -H "Authorization: ApiKey'))!.trim();
    expect(curl).toContain(`$(cat ${file})`);
    const answer = JSON.parse(execFileSync('sh', ['-c', curl], { cwd: root, encoding: 'utf8' })) as { total: number };
    expect(answer.total).toBeGreaterThanOrEqual(0);
    const siemSearch = banner.find((line) => line.includes('npx siem search'))!.trim();
    const searched = execFileSync('sh', ['-c', siemSearch], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, encoding: 'utf8' });
    expect(searched).toMatch(/\d+ of \d+ events/);
    const refused = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?q=hello`);
    expect(refused.status).toBe(401);

    await stopsCleanly(stack, descendants(stack.child.pid!), 'SIGTERM');
  }, 240_000);

  const launches: [string, NodeJS.Signals, string, string[]][] = [
    ['npm start', 'SIGINT', 'npm', ['start']],
    ['npx siem start', 'SIGTERM', 'npx', ['siem', 'start']],
  ];

  it.each(launches)('%s stops cleanly on %s sent to the npm process: exit 0, nothing left running', async (_name, signal, command, args) => {
    const stack = launch(command, args, await embeddedSetup(`${command}-${signal}`));
    await stopsCleanly(stack, await ready(stack), signal);
  }, 240_000);
});
