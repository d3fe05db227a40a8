import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { loadConfig } from '@siem/config';
import { removeOpenSearchScratch, scratchNames } from '@siem/testing';
import { describeAuthorizationMatrix } from './authorization-matrix';

const { indexPrefix } = scratchNames();
const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-authorization-matrix-os-'));
const refresh = async () => {
  await fetch(`${inject('opensearchUrl')}/${indexPrefix}*,${indexPrefix.replace(/[-_.]+$/, '')}.*/_refresh?expand_wildcards=all`, { method: 'POST' });
};
afterAll(async () => {
  await removeOpenSearchScratch(inject('opensearchUrl'), indexPrefix);
  rmSync(dataDir, { recursive: true, force: true });
});

describeAuthorizationMatrix('OpenSearch store', async () => loadConfig({ SIEM_DATA_DIR: dataDir, SIEM_OPENSEARCH_URL: inject('opensearchUrl'), SIEM_INDEX_PREFIX: indexPrefix, SIEM_INDEX_REPLICAS: '0' }), refresh);
