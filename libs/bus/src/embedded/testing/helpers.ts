/** What the embedded bus tests share: temporary data directories, child appenders, a recording logger, collecting consumers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsumedMessage } from '../../types';
import { EmbeddedBusConsumer, type EmbeddedBusConsumerOptions } from '../consumer';
import type { BusLogger } from '../logger';
import type { AppendLoopOptions } from './append-loop';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../../..');

/** The value append-loop writes: `<runId>:<batch>:<index>:` padded with dots. */
export function loopValue(runId: string, batch: number, index: number, valueBytes: number): Buffer {
  const label = `${runId}:${batch}:${index}:`;
  return Buffer.from(label.padEnd(Math.max(valueBytes, label.length), '.'));
}

export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'siem-embedded-bus-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: object;
  readonly message: string;
}

export function recordingLogger(): BusLogger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: object, message: string) => void entries.push({ level, fields, message });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface AppendLoopProcess {
  readonly child: ChildProcess;
  /** The lines printed so far. */
  readonly lines: string[];
  /** Resolves when a printed line satisfies the predicate. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts append-loop.ts in its own process; `fileSizeLimitKb` runs it under `ulimit -f` so writes fail with EFBIG. */
export function startAppendLoop(options: AppendLoopOptions, fileSizeLimitKb?: number): AppendLoopProcess {
  const script = path.join(here, 'append-loop.ts');
  const args = ['--import', 'tsx', script, JSON.stringify(options)];
  const child =
    fileSizeLimitKb === undefined
      ? spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${fileSizeLimitKb} && exec "$0" "$@"`, process.execPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const waitForLine = (predicate: (line: string) => boolean, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found !== undefined) finish(() => resolve(found));
        else if (child.exitCode !== null || child.signalCode !== null) finish(() => reject(new Error(`append-loop exited early: ${lines.join('\n')}\n${stderr}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`append-loop printed no matching line in ${timeoutMs} ms: ${lines.slice(-5).join('\n')}\n${stderr}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  return { child, lines, waitForLine, exited };
}

/** Runs a consumer until `count` messages arrived (or `idleMs` passed without any), then disconnects it. */
export async function consumeAll(
  options: EmbeddedBusConsumerOptions,
  topic: string,
  count: number,
  { chunkSize = 100, idleMs = 1_000 }: { chunkSize?: number; idleMs?: number } = {},
): Promise<ConsumedMessage[]> {
  const consumer = new EmbeddedBusConsumer({ pollIntervalMs: 10, ...options });
  const received: ConsumedMessage[] = [];
  await consumer.connect();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idleTimer = setTimeout(finish, idleMs);
  await consumer.run({
    topic,
    chunkSize,
    handleChunk: async (messages) => {
      received.push(...messages);
      clearTimeout(idleTimer);
      if (received.length >= count) finish();
      else idleTimer = setTimeout(finish, idleMs);
    },
  });
  if (count === 0) finish();
  await finished;
  clearTimeout(idleTimer);
  await consumer.disconnect();
  return received;
}
