import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StopWaiting, waitFor } from './wait-for';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Apps still running when the test process exits, killed then: one a failed test never got to
 * stop would otherwise outlive the run, using the shared cores and recreating its topics.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface LogLine {
  readonly msg?: string;
  readonly level?: number;
  readonly pid?: number;
  readonly [field: string]: unknown;
}

export interface AppProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  readonly stderr: string[];
  waitForLog(what: string, predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process has exited by itself. */
  exited(): Promise<number | null>;
}

/** Runs an app's main.ts as a real process, the way `npm start` does, collecting its pino lines. */
export function startApp(app: 'collector' | 'processor' | 'api' | 'alerting', env: Record<string, string>): AppProcess {
  return startScript(app, path.join(repoRoot, 'apps', app, 'src', 'main.ts'), [], env);
}

/** Runs `siem <args>` (tools/cli) as a real process. */
export function startCli(args: string[], env: Record<string, string>): AppProcess {
  return startScript('siem', path.join(repoRoot, 'tools', 'cli', 'src', 'main.ts'), args, env);
}

/** `SIEM_PROFILE_APP=<app>` writes V8 CPU profiles of that app's processes to SIEM_PROFILE_DIR (default: the system temp directory). */
function profilingArgs(app: string): string[] {
  if (process.env.SIEM_PROFILE_APP !== app) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${process.env.SIEM_PROFILE_DIR ?? tmpdir()}`];
}

function startScript(app: string, script: string, args: string[], env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [...profilingArgs(app), '--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        stderr.push(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    child,
    logs,
    stderr,
    exited: () => exited,
    waitForLog: (what, predicate, timeoutMs = 60_000) =>
      waitFor(`${app}: ${what} (stderr: ${stderr.join('').slice(-2000)})`, () => {
        if (child.exitCode !== null) throw new StopWaiting(`${app} exited with ${child.exitCode}: ${stderr.join('').slice(-2000)} ${JSON.stringify(logs.slice(-5))}`);
        return logs.find(predicate);
      }, timeoutMs, 100),
    async stop(graceMs = 30_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
