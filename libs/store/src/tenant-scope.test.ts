import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuery, toOpenSearchQuery } from '@siem/query';
import { EmbeddedStore } from './embedded';
import { describeTenantConformance } from './tenant-conformance';
import { compileForPartition } from './embedded/partition';
import { eventInTenant, splitTenant, tenantQuery, toTenantOpenSearchQuery } from './tenant-scope';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-tenant-scope-'));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

describeTenantConformance('embedded', async () => new EmbeddedStore({ dataDir: directory }));

describe('tenantQuery', () => {
  it('adds a term on organization.id to the query, the same for default', () => {
    expect(tenantQuery(parseQuery(''), 'default')).toEqual({ root: { kind: 'term', field: 'organization.id', value: 'default', phrase: false } });
    expect(JSON.stringify(toOpenSearchQuery(tenantQuery(parseQuery('user.name:alice'), 'acme'), {}))).toContain('{"bool":{"must":[{"term":{"user.name":"alice"}},{"term":{"organization.id":"acme"}}]}}');
  });

  it('splitTenant: the tenant of the top AND (or of the whole query) and the rest; none for two tenants or a tenant under OR or NOT', () => {
    expect(splitTenant(tenantQuery(parseQuery(''), 'acme'))).toEqual({ tenant: 'acme', rest: { root: { kind: 'all' } } });
    expect(splitTenant(tenantQuery(parseQuery('user.name:alice'), 'acme'))).toEqual({ tenant: 'acme', rest: parseQuery('user.name:alice') });
    expect(splitTenant(tenantQuery(parseQuery('user.name:alice AND host.name:h1'), 'acme'))?.rest).toEqual(parseQuery('user.name:alice AND host.name:h1'));
    expect(splitTenant(tenantQuery(parseQuery('organization.id:globex'), 'acme'))).toBeUndefined();
    expect(splitTenant(parseQuery('user.name:alice OR organization.id:acme'))).toBeUndefined();
    expect(splitTenant(parseQuery('NOT organization.id:acme'))).toBeUndefined();
    expect(splitTenant(parseQuery('user.name:alice'))).toBeUndefined();
  });

  it('OpenSearch: the tenant term goes to the bool filter clause (unscored, cached), the rest stays in must', () => {
    expect(toTenantOpenSearchQuery(tenantQuery(parseQuery('user.name:alice'), 'acme'), { from: '2026-12-04T00:00:00Z' })).toEqual({
      bool: { must: [{ term: { 'user.name': 'alice' } }], filter: [{ range: { '@timestamp': { gte: '2026-12-04T00:00:00Z' } } }, { term: { 'organization.id': 'acme' } }] },
    });
    expect(toTenantOpenSearchQuery(tenantQuery(parseQuery(''), 'acme'))).toEqual({ bool: { must: [{ match_all: {} }], filter: [{ term: { 'organization.id': 'acme' } }] } });
    expect(toTenantOpenSearchQuery(parseQuery('user.name:alice'))).toEqual(toOpenSearchQuery(parseQuery('user.name:alice')));
  });

  it('embedded: a tenant\'s query compiles with and without its tenant term; a tenant id longer than a keyword token keeps the term', () => {
    const compiled = compileForPartition(tenantQuery(parseQuery('host.name:h1'), 'acme'));
    expect(compiled.compiled.match).toContain('organization.id=acme');
    expect(compiled.tenant?.key).toBe('s:acme');
    expect(compiled.tenant?.rest.match).not.toContain('organization.id');
    expect(compileForPartition(parseQuery('host.name:h1')).tenant).toBeUndefined();
    expect(compileForPartition(tenantQuery(parseQuery('host.name:h1'), 'x'.repeat(2049))).tenant).toBeUndefined();
  });

  it('eventInTenant: only an event whose organization.id is the tenant; without one or with a list, nobody\'s', () => {
    expect(eventInTenant({}, 'default')).toBe(false);
    expect(eventInTenant({ organization: { id: 'acme' } }, 'acme')).toBe(true);
    expect(eventInTenant({ organization: { id: 'acme' } }, 'default')).toBe(false);
    expect(eventInTenant({ organization: 'acme' }, 'acme')).toBe(false);
    expect(eventInTenant({ organization: { id: ['acme', 'globex'] } }, 'acme')).toBe(false);
  });
});
