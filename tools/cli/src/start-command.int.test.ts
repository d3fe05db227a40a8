import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentEnv, startCli, waitFor, type LogLine, type PipelineEnv } from '@siem/testing';

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
  const response = await fetch(`http://127.0.0.1:${setup.apiPort}/api/v1/search?size=1000&q=${encodeURIComponent(query)}`);
  return response.ok ? ((await response.json()) as { hits: unknown[] }).hits.length : -1;
}

describe('siem start', () => {
  it('restarts a killed API within seconds while the collector and processor keep running', async () => {
    const setup = await embeddedSetup('supervision');
    const stack = startCli(['start'], setup.env);
    const pidOf = (msg: string, logs: LogLine[] = stack.logs) => logs.find((l) => l.msg === msg)?.pid as number;
    await stack.waitForLog('the stack to be ready', () => stack.stderr.join('').includes('SIEM is running.'), 120_000);
    const [collector, processor, worker, api] = ['The collector is listening.', 'The processor primary started its workers.', 'The processor worker is consuming.', 'The API is listening.'].map((msg) => pidOf(msg));

    process.kill(api!, 'SIGKILL');
    const body = Array.from({ length: 100 }, (_, i) => JSON.stringify({ message: `outage-${setup.runId} event ${i}` })).join('\n');
    const posted = await fetch(`http://127.0.0.1:${setup.httpPort}/ingest`, { method: 'POST', body });
    expect(posted.status).toBe(200);

    await stack.waitForLog('the API to be back', (l) => l.msg === 'The app is back.' && l.app === 'api', 60_000);
    expect(stack.stderr.join('')).toContain('api DOWN (restarting; 1 restart so far)');
    expect(await waitFor('the events sent during the outage', async () => (await search(setup, `outage-${setup.runId}`)) === 100, 60_000, 500)).toBe(true);
    const exits = stack.logs.filter((l) => l.msg === 'An app exited; restarting it while the others keep running.');
    expect(exits.map((l) => [l.app, l.signal])).toEqual([['api', 'SIGKILL']]);
    for (const pid of [collector!, processor!, worker!]) expect(isAlive(pid)).toBe(true);

    const restartedApi = stack.logs.filter((l) => l.msg === 'The API is listening.').at(-1)!.pid as number;
    expect(restartedApi).not.toBe(api);
    expect(await stack.stop(60_000, 'SIGTERM')).toBe(0);
    expect(stack.logs.some((l) => l.msg === 'Every processor worker has stopped.')).toBe(true);
    for (const pid of [collector!, processor!, worker!, restartedApi]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
  }, 240_000);

  const launches: [string, NodeJS.Signals, string, string[]][] = [
    ['npm start', 'SIGTERM', 'npm', ['start']],
    ['npm start', 'SIGINT', 'npm', ['start']],
    ['npx siem start', 'SIGTERM', 'npx', ['siem', 'start']],
  ];

  it.each(launches)('%s stops cleanly on %s sent to the npm process: exit 0, nothing left running', async (_name, signal, command, args) => {
    const setup = await embeddedSetup(`${command}-${signal}`);
    const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...setup.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(`${command} to be ready (output: ${output.slice(-1500)})`, () => output.includes('SIEM is running.'), 120_000, 200);
    const tree = descendants(child.pid!);
    // The CLI, three apps and a processor worker; nothing sits between npm and the CLI.
    expect(tree.length).toBeGreaterThanOrEqual(5);

    child.kill(signal);
    expect(await exited).toBe(0);
    expect(output).toContain('Every app stopped cleanly.');
    expect(output).toContain('Every processor worker has stopped.');
    const left = tree.filter(isAlive);
    expect(left.length === 0 ? '' : execFileSync('ps', ['-o', 'pid,ppid,stat,cmd', '-p', left.join(',')], { encoding: 'utf8' })).toBe('');
  }, 240_000);
});
