import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { describeStoreConformance } from '../store-conformance';
import { OpenSearchStore } from './opensearch-store';

const indexPrefix = `siem-conformance-${randomBytes(4).toString('hex')}-`;

describeStoreConformance(
  'opensearch',
  async () => new OpenSearchStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indexPrefix}*/_refresh`, { method: 'POST' });
  },
);
