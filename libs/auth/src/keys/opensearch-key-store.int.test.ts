import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { OpenSearchKeyStore, keyIndexName } from './opensearch-key-store';
import { describeKeyStoreConformance } from './key-store-conformance';

// The scratch naming of libs/testing (siemtest-<run>-), spelt out here: libs/testing depends on this lib.
const indexPrefix = `siemtest-${randomBytes(4).toString('hex')}-events-`;
afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${keyIndexName(indexPrefix)}`, { method: 'DELETE' });
});

describeKeyStoreConformance('OpenSearchKeyStore', async () => new OpenSearchKeyStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }));

describe('keyIndexName', () => {
  it('puts the index beside the events, outside their pattern', () => {
    expect(keyIndexName('siem-events-')).toBe('siem-api-keys');
    expect(keyIndexName('acme-')).toBe('acme.api-keys');
  });
});
