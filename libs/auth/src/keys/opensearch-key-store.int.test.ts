import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ApiKeys } from './api-keys';
import { adminKeyFile, ensureAdminKey } from './first-admin-key';
import { OpenSearchKeyStore, keyIndexName } from './opensearch-key-store';
import { describeKeyStoreConformance } from './key-store-conformance';

// The scratch naming of libs/testing (siemtest-<run>-), spelt out here: libs/testing depends on this lib.
const indexPrefix = `siemtest-${randomBytes(4).toString('hex')}-events-`;
afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${keyIndexName(indexPrefix)}`, { method: 'DELETE' });
});

describeKeyStoreConformance('OpenSearchKeyStore', async () => new OpenSearchKeyStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }));

describe('first admin key on OpenSearch', () => {
  it('API processes on two hosts starting at once create one admin key between them', async () => {
    const prefix = `siemtest-${randomBytes(4).toString('hex')}-events-`;
    const dataDirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'siem-first-key-os-')));
    // Two stores on one index and a data directory each, as two hosts would have.
    const stores = dataDirs.map(() => new OpenSearchKeyStore({ url: inject('opensearchUrl'), indexPrefix: prefix, replicas: 0 }));
    try {
      await Promise.all(stores.map((store) => store.ensureReady()));
      const keys = stores.map((store) => new ApiKeys(store));
      const results = await Promise.all(keys.map((apiKeys, i) => ensureAdminKey(apiKeys, { dataDir: dataDirs[i]! })));
      expect(results.map((result) => result.created).sort()).toEqual([false, true]);
      expect(await keys[0]!.list()).toHaveLength(1);
      const winner = results.findIndex((result) => result.created);
      expect(await keys[1 - winner]!.verify(readFileSync(adminKeyFile(dataDirs[winner]!), 'utf8').trim())).toMatchObject({ role: 'admin', tenant: 'default' });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await fetch(`${inject('opensearchUrl')}/${keyIndexName(prefix)}`, { method: 'DELETE' });
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keyIndexName', () => {
  it('puts the index beside the events, outside their pattern', () => {
    expect(keyIndexName('siem-events-')).toBe('siem-api-keys');
    expect(keyIndexName('acme-')).toBe('acme.api-keys');
  });
});
