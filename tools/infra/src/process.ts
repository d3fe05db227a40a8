import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CommandResult {
  readonly exitCode: number | null;
  /** stdout and stderr interleaved, at most the last 64 KiB. */
  readonly output: string;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Runs a command to completion. Rejects only when it cannot be started (ENOENT and the like). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > OUTPUT_LIMIT * 2) output = output.slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (exitCode) => resolvePromise({ exitCode, output: output.slice(-OUTPUT_LIMIT) }));
  });
}

/**
 * Starts a long-running process in its own process group with stdout and stderr going to
 * `logFile`, and lets this Node process exit without waiting for it. The previous log is kept
 * as `<logFile>.1` so that a restart does not erase the reason for the last failure.
 */
export async function spawnDetached(
  command: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Promise<number> {
  await mkdir(dirname(options.logFile), { recursive: true });
  if (existsSync(options.logFile)) renameSync(options.logFile, `${options.logFile}.1`);
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    await new Promise<void>((resolvePromise, reject) => {
      child.once('spawn', resolvePromise);
      child.once('error', reject);
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`${command} started without a process id`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export async function readPidFile(file: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${pid}\n`);
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** A zombie counts as dead: it holds no ports and will never answer. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * Pid files outlive reboots and pids get reused, so before signalling we check that the process
 * carries our marker on its command line. Without procfs (macOS) the pid file is trusted.
 */
export function hasCommandLineArg(pid: number, arg: string): boolean {
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(arg);
  } catch {
    return false;
  }
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

/** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the process is gone. */
export async function terminate(pid: number, graceMs: number): Promise<StopOutcome> {
  if (!signal(pid, 'SIGTERM')) return 'not-running';
  if (await waitForExit(pid, graceMs)) return 'terminated';
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, 5_000)) return 'killed';
  throw new Error(`process ${pid} survived SIGKILL`);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if (isErrno(error, 'ESRCH')) return false;
    throw error;
  }
}

/** The last `lines` lines of a log, or a note saying there is none yet. */
export async function tailFile(file: string, lines: number): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return `(no log at ${file})`;
    throw error;
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
