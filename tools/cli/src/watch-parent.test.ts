import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@siem/testing';

const watchParentModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'watch-parent.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-watch-parent-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('watchParent', () => {
  it('calls back once the parent process has died', async () => {
    const marker = path.join(scratch, 'gone');
    const watcher = `
      import { writeFileSync } from 'node:fs';
      import { watchParent } from ${JSON.stringify(watchParentModule)};
      watchParent(() => { writeFileSync(${JSON.stringify(marker)}, 'gone'); process.exit(0); }, 20);
      setInterval(() => {}, 1000);
      console.log('ready');`;
    const parentScript = `
      const child = require('node:child_process').spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ${JSON.stringify(watcher)}], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.once('data', () => console.log('started'));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => parent.stdout.once('data', resolve));
    expect(existsSync(marker)).toBe(false);
    parent.kill('SIGKILL');
    await waitFor('the watcher to notice', () => existsSync(marker), 10_000, 20);
  });
});
