import { afterAll, inject } from 'vitest';
import { scratchNames } from '@siem/testing';
import { describeAlertWorkConformance } from './alert-work-conformance';
import { describeDetectionStoreConformance } from './detection-conformance';
import { detectionIndexNames } from './index-names';
import { OpenSearchDetectionStore } from './opensearch-detection-store';

const { indexPrefix } = scratchNames();
const indices = detectionIndexNames(indexPrefix);

afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${Object.values(indices).join(',')}?ignore_unavailable=true`, { method: 'DELETE' });
});

describeDetectionStoreConformance(
  'OpenSearchDetectionStore',
  async () => new OpenSearchDetectionStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indices.alerts}/_refresh`, { method: 'POST' });
  },
);

describeAlertWorkConformance(
  'OpenSearchDetectionStore',
  async () => new OpenSearchDetectionStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }),
  async () => {
    await fetch(`${inject('opensearchUrl')}/${indices.alerts}/_refresh`, { method: 'POST' });
  },
);
