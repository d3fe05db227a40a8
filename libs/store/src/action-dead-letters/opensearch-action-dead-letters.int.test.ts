import { afterAll, inject } from 'vitest';
import { scratchNames } from '@siem/testing';
import { describeActionDeadLetterConformance } from './action-dead-letter-conformance';
import { OpenSearchActionDeadLetterStore } from './opensearch-action-dead-letters';

const { indexPrefix } = scratchNames();
const index = new OpenSearchActionDeadLetterStore({ url: 'http://unused', indexPrefix, replicas: 0 }).index;

afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${index}?ignore_unavailable=true`, { method: 'DELETE' });
});

describeActionDeadLetterConformance('OpenSearchActionDeadLetterStore', async () => new OpenSearchActionDeadLetterStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }));
