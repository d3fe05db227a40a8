import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuery, toOpenSearchQuery } from '@siem/query';
import { EmbeddedStore } from './embedded';
import { describeTenantConformance } from './tenant-conformance';
import { eventInTenant, tenantQuery } from './tenant-scope';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-tenant-scope-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describeTenantConformance('embedded', async () => new EmbeddedStore({ dataDir: directory }));

describe('tenantQuery', () => {
  it('adds a term on organization.id to the query, the same for default', () => {
    expect(tenantQuery(parseQuery(''), 'default')).toEqual({ root: { kind: 'term', field: 'organization.id', value: 'default', phrase: false } });
    expect(JSON.stringify(toOpenSearchQuery(tenantQuery(parseQuery('user.name:alice'), 'acme'), {}))).toContain('{"bool":{"must":[{"term":{"user.name":"alice"}},{"term":{"organization.id":"acme"}}]}}');
  });

  it('eventInTenant: only an event whose organization.id is the tenant; without one or with a list, nobody\'s', () => {
    expect(eventInTenant({}, 'default')).toBe(false);
    expect(eventInTenant({ organization: { id: 'acme' } }, 'acme')).toBe(true);
    expect(eventInTenant({ organization: { id: 'acme' } }, 'default')).toBe(false);
    expect(eventInTenant({ organization: 'acme' }, 'acme')).toBe(false);
    expect(eventInTenant({ organization: { id: ['acme', 'globex'] } }, 'acme')).toBe(false);
  });
});
