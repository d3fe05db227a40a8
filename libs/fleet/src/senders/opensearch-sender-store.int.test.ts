import { afterAll, describe, inject } from 'vitest';
import { OpenSearchSenderStore } from './opensearch-sender-store';
import { senderStoreConformance } from './sender-store-conformance';

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await fetch(`${inject('opensearchUrl')}/${prefix}*?expand_wildcards=all`, { method: 'DELETE' });
});

describe('OpenSearchSenderStore', () => {
  senderStoreConformance(async () => {
    const prefix = `siem-test-senders-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    prefixes.push(prefix);
    const store = new OpenSearchSenderStore(inject('opensearchUrl'), `${prefix}-`);
    await store.ensureReady();
    return store;
  });
});
