import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedSavedSearchStore } from './embedded-saved-search-store';
import { describeSavedSearchConformance } from './saved-search-conformance';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-saved-searches-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeSavedSearchConformance('EmbeddedSavedSearchStore', async () => new EmbeddedSavedSearchStore({ dataDir }));
