import { afterAll, describe, expect, inject, it } from 'vitest';
import { scratchNames } from '@siem/testing';
import { OpenSearchSchedulerStateStore, stateIndexName } from './opensearch-scheduler-state-store';
import { describeSchedulerStateConformance } from './scheduler-state-conformance';

const indexPrefix = `${scratchNames().indexPrefix}events-`;
afterAll(async () => {
  await fetch(`${inject('opensearchUrl')}/${stateIndexName(indexPrefix)}`, { method: 'DELETE' });
});

describeSchedulerStateConformance('OpenSearchSchedulerStateStore', async () => new OpenSearchSchedulerStateStore({ url: inject('opensearchUrl'), indexPrefix, replicas: 0 }));

describe('stateIndexName', () => {
  it('puts the index beside the events, outside their pattern', () => {
    expect(stateIndexName('siem-events-')).toBe('siem-state');
    expect(stateIndexName('acme-')).toBe('acme.state');
  });
});
