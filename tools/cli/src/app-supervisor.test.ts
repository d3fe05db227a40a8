import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@siem/telemetry';
import { waitFor } from '@siem/testing';
import { AppSupervisor, type AppStatus, type AppSupervisorOptions } from './app-supervisor';

/** Small stand-ins for the apps: say "ready", stop on SIGTERM with `stopCode`, or exit at once with `crashCode`. */
const scripts: Record<string, string> = {
  steady: `process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('ready');`,
  crashing: `process.exit(3);`,
  stubborn: `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');`,
  unhandled: `console.log('ready'); setInterval(() => {}, 1000);`,
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let supervisor: AppSupervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

function supervise(apps: Record<string, keyof typeof scripts>, options: Partial<AppSupervisorOptions> = {}) {
  const pids: Record<string, number[]> = {};
  const statuses: AppStatus[][] = [];
  supervisor = new AppSupervisor({
    apps: Object.keys(apps),
    spawn: (app) => {
      const child = spawn(process.execPath, ['-e', scripts[apps[app]!]!], { stdio: ['ignore', 'pipe', 'inherit'] });
      (pids[app] ??= []).push(child.pid!);
      return child;
    },
    isReady: (_app, line) => line === 'ready',
    output: () => undefined,
    logger: createLogger('test', 'silent'),
    onStatus: (s) => statuses.push(s),
    minRestartDelayMs: 10,
    ...options,
  });
  return { supervisor, pids, statuses };
}

describe('AppSupervisor', () => {
  it('restarts an app that was killed and leaves the others running', async () => {
    const { supervisor, pids, statuses } = supervise({ collector: 'steady', processor: 'steady', api: 'steady' });
    await supervisor.start();
    process.kill(pids.api![0]!, 'SIGKILL');
    await waitFor('the API to be back', () => pids.api!.length === 2 && supervisor.statuses().every((s) => s.state === 'up'), 10_000, 20);
    expect(pids.collector).toHaveLength(1);
    expect(pids.processor).toHaveLength(1);
    expect(supervisor.statuses()).toEqual([
      { app: 'collector', state: 'up', restarts: 0 },
      { app: 'processor', state: 'up', restarts: 0 },
      { app: 'api', state: 'up', restarts: 1 },
    ]);
    expect(statuses.map((s) => s.find((a) => a.app === 'api')!.state)).toEqual(['down', 'up']);
    expect(await supervisor.stop()).toBe(true);
  });

  it('gives up when an app keeps exiting before it is ready at the first start', async () => {
    const { supervisor, pids } = supervise({ collector: 'steady', api: 'crashing' });
    await expect(supervisor.start()).rejects.toThrow('api exited (code 3, signal null) before it was ready, 3 times in a row');
    expect(pids.api).toHaveLength(3);
    expect(await supervisor.stop()).toBe(true);
  });

  it('counts an app that dies of the SIGTERM itself, having no handler yet, as stopped cleanly', async () => {
    const { supervisor, pids } = supervise({ collector: 'steady', api: 'unhandled' });
    await supervisor.start();
    expect(await supervisor.stop()).toBe(true);
    expect(pids.api!.filter(isAlive)).toEqual([]);
  });

  it('kills an app that outlasts the stop grace period and reports an unclean stop', async () => {
    const { supervisor, pids } = supervise({ collector: 'steady', api: 'stubborn' }, { stopGraceMs: 300 });
    await supervisor.start();
    expect(await supervisor.stop()).toBe(false);
    expect([...pids.collector!, ...pids.api!].filter(isAlive)).toEqual([]);
  });
});
