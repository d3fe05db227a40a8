import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsRegistry, createLogger } from '@siem/telemetry';
import { testKeys } from '@siem/testing';
import { buildApi } from './build-api';
import type { EventReader } from './event-reader';

// The docs page as a browser renders it: headless Chromium (tools/setup.sh installs the Debian package) loads
// /api/docs from a real port, and the rendered DOM lists the operations that the OpenAPI document declares.
const run = promisify(execFile);
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => existsSync(candidate));
const unused = () => Promise.reject(new Error('unused'));
const reader: EventReader = { search: unused, count: unused, page: unused, exportPage: unused, getEvent: unused, aggregate: unused, fields: unused, ping: unused };
const keys = await testKeys();
const app = buildApi({ reader, logger: createLogger('api-test', 'silent'), metrics: new MetricsRegistry(), keys: keys.keys });
const scratch = mkdtempSync(path.join(tmpdir(), 'siem-docs-page-'));
let url = '';

beforeAll(async () => {
  url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/docs`;
});
afterAll(async () => {
  await app.close();
  await keys.close();
  rmSync(scratch, { recursive: true, force: true });
});

function chromiumArgs(...extra: string[]): string[] {
  // --no-sandbox: tests may run as root in a container; the page is our own.
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${path.join(scratch, 'profile')}`, '--virtual-time-budget=10000', ...extra, url];
}

describe.skipIf(!chromium)('the /api/docs page in headless Chromium (skipped without the chromium package: run tools/setup.sh)', () => {
  it('renders every analyst operation', async () => {
    const { stdout } = await run(chromium!, chromiumArgs('--dump-dom'), { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
    for (const operation of ['/api/v1/search', '/api/v1/events/{id}', '/api/v1/aggregate', '/api/v1/export', '/api/v1/fields', '/api/v1/count']) expect(stdout).toContain(operation);
    expect(stdout).toContain('SIEM API');
  }, 90_000);

  it('takes a screenshot of it', async () => {
    const file = path.join(scratch, 'docs.png');
    await run(chromium!, chromiumArgs(`--screenshot=${file}`, '--window-size=1280,2000'), { timeout: 60_000 });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  }, 90_000);
});
