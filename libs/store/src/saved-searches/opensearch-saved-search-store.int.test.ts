import { afterAll, describe, expect, inject, it } from 'vitest';
import { scratchNames } from '@siem/testing';
import { OpenSearchSavedSearchStore, savedSearchIndexName } from './opensearch-saved-search-store';
import { describeSavedSearchConformance } from './saved-search-conformance';

const indexPrefix = `${scratchNames().indexPrefix}events-`;
afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${savedSearchIndexName(indexPrefix)}`, { method: 'DELETE' });
});

describeSavedSearchConformance('OpenSearchSavedSearchStore', async () => new OpenSearchSavedSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }));

describe('savedSearchIndexName', () => {
  it('puts the index beside the events, outside their pattern', () => {
    expect(savedSearchIndexName('siem-events-')).toBe('siem-saved-searches');
    expect(savedSearchIndexName('acme-')).toBe('acme.saved-searches');
  });
});
