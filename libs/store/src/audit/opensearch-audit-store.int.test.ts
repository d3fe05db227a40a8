import { afterAll, describe, expect, inject, it } from 'vitest';
import { scratchNames } from '@siem/testing';
import { describeAuditConformance } from './audit-conformance';
import { OpenSearchAuditStore, auditStreamName } from './opensearch-audit-store';

const indexPrefix = `${scratchNames().indexPrefix}events-`;
const stream = auditStreamName(indexPrefix);
const url = () => inject('opensearchUrl');
afterAll(async () => {
  await fetch(`${url()}/_data_stream/${stream}`, { method: 'DELETE' });
  await fetch(`${url()}/_index_template/${stream}`, { method: 'DELETE' });
});

describeAuditConformance('OpenSearchAuditStore', async () => new OpenSearchAuditStore({ url: url(), indexPrefix, replicas: 0, templatePriority: 200 }));

describe('OpenSearchAuditStore – append-only data stream', () => {
  it('is a data stream that refuses overwriting a record by id', async () => {
    const streams = (await (await fetch(`${url()}/_data_stream/${stream}`)).json()) as { data_streams: { name: string }[] };
    expect(streams.data_streams.map((s) => s.name)).toEqual([stream]);
    const overwrite = await fetch(`${url()}/${stream}/_doc/rec-001`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ '@timestamp': '2026-12-04T10:01:00.000Z', tenant: 'acme', status: 200 }),
    });
    expect(overwrite.status).toBeGreaterThanOrEqual(400);
    const update = await fetch(`${url()}/${stream}/_update/rec-001`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ doc: { status: 200 } }) });
    expect(update.status).toBeGreaterThanOrEqual(400);
  });

  it('names the stream beside the events, outside their pattern', () => {
    expect(auditStreamName('siem-events-')).toBe('siem-audit');
    expect(auditStreamName('acme-')).toBe('acme.audit');
  });
});
