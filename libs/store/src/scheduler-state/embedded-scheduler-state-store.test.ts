import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedSchedulerStateStore } from './embedded-scheduler-state-store';
import { describeSchedulerStateConformance } from './scheduler-state-conformance';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-scheduler-state-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeSchedulerStateConformance('EmbeddedSchedulerStateStore', async () => new EmbeddedSchedulerStateStore({ dataDir }));
