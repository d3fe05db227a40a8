import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@siem/testing';

const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stop-with-parent.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-parent-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in for an app: records that its SIGTERM handler (its drain) ran, then exits 0. */
const app = (marker: string) => `
  process.on('SIGTERM', () => { require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'drained'); process.exit(0); });
  setInterval(() => {}, 1000);
  console.log('ready');`;

/** A stand-in for `siem start`: runs the app with the preload and an IPC channel, prints its pid. */
const supervisor = (marker: string, ipc: boolean) => `
  const child = require('node:child_process').spawn(process.execPath, ['--import', ${JSON.stringify(preload)}, '-e', ${JSON.stringify(app(marker))}], { stdio: ['ignore', 'pipe', 'inherit', ${ipc ? "'ipc'" : "'ignore'"}] });
  child.stdout.once('data', () => console.log(child.pid));
  setInterval(() => {}, 1000);`;

async function appUnderKilledSupervisor(name: string, ipc: boolean) {
  const marker = path.join(scratch, name);
  const parent = spawn(process.execPath, ['-e', supervisor(marker, ipc)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const appPid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
  parent.kill('SIGKILL');
  return { marker, appPid };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stop-with-parent', () => {
  it('stops an app as on SIGTERM, draining first, when its supervisor is killed', async () => {
    const { marker, appPid } = await appUnderKilledSupervisor('killed', true);
    await waitFor('the app to drain and exit', () => existsSync(marker) && !isAlive(appPid), 10_000, 20);
    expect(readFileSync(marker, 'utf8')).toBe('drained');
  });

  it('does nothing in a process started without an IPC channel', async () => {
    const { marker, appPid } = await appUnderKilledSupervisor('no-ipc', false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isAlive(appPid)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    process.kill(appPid, 'SIGKILL');
  });
});
