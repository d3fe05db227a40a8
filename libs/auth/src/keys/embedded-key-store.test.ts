import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { EmbeddedKeyStore } from './embedded-key-store';
import { describeKeyStoreConformance } from './key-store-conformance';

const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeKeyStoreConformance('EmbeddedKeyStore', async () => new EmbeddedKeyStore({ dataDir }));

it('EmbeddedKeyStore – keeps its file readable by its owner only', async () => {
  const store = new EmbeddedKeyStore({ dataDir });
  await store.ensureReady();
  expect(statSync(store.file).mode & 0o777).toBe(0o600);
  await store.close();
});
