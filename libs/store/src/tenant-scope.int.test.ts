import { afterAll, inject } from 'vitest';
import { removeOpenSearchScratch, scratchNames } from '@siem/testing';
import { OpenSearchStore } from './opensearch/opensearch-store';
import { describeTenantConformance } from './tenant-conformance';

const { indexPrefix } = scratchNames();
afterAll(() => removeOpenSearchScratch(inject('opensearchUrl'), indexPrefix));

describeTenantConformance(
  'opensearch',
  async () => new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indexPrefix}*/_refresh`, { method: 'POST' });
  },
);
