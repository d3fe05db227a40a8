import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig } from '@siem/config';
import { describeAuthorizationMatrix } from './authorization-matrix';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-authorization-matrix-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeAuthorizationMatrix('embedded store', async () => loadConfig({ SIEM_DATA_DIR: dataDir }));
