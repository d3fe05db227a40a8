import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EcsEvent } from '@siem/schema';
import { createLogger } from '@siem/telemetry';
import { describe, expect, it } from 'vitest';
import { createAssetStage, createIdentityStage } from './table-stages';

const dir = mkdtempSync(path.join(tmpdir(), 'enrich-tables-'));
const logger = createLogger('test', 'silent');
const file = (name: string, content: string | Buffer): string => {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
};
const event = (fields: Record<string, unknown>): EcsEvent => ({ '@timestamp': '2024-01-01T00:00:00.000Z', event: {}, ...fields });

const ASSETS = ['host.name,ip,owner,criticality,business_unit,tags', 'WEB01,10.0.0.5;10.0.0.6,alice,high_impact,shop,dmz;pci', 'db01,,dba-team,extreme_impact,shop,', ',10.9.9.9,nobody,low_impact,,'].join('\n');
const USERS = ['username,full_name,email,department,roles,group,criticality', 'alice,Alice Martin,alice@corp.example,Finance,admin;approver,finance-admins,high_impact', 'bob,Bob Stone,bob@corp.example,Engineering,,,'].join('\n');

describe('asset table', () => {
  it('adds host.asset by host name, short name or host.ip, never overwriting', () => {
    const stage = createAssetStage(file('assets.csv', ASSETS), undefined, logger);
    const byName = event({ host: { name: 'web01' } });
    const byFqdn = event({ host: { name: 'DB01.corp.example', asset: { criticality: 'low_impact' } } });
    const byIp = event({ host: { name: 'unknown', ip: ['192.0.2.1', '10.0.0.6'] } });
    const none = event({ host: { name: 'mail01' } });
    for (const e of [byName, byFqdn, byIp, none]) stage.process(e);
    expect(byName.host).toEqual({ name: 'web01', asset: { owner: 'alice', criticality: 'high_impact', business_unit: 'shop', tags: ['dmz', 'pci'] } });
    expect(byFqdn.host).toEqual({ name: 'DB01.corp.example', asset: { owner: 'dba-team', criticality: 'low_impact', business_unit: 'shop' } });
    expect((byIp.host as Record<string, unknown>).asset).toMatchObject({ owner: 'alice' });
    expect(none.host).toEqual({ name: 'mail01' });
    expect(stage.counts()).toEqual({ rows: 2, matched: 3 });
  });

  it('leaves events whose host is not an object alone', () => {
    const stage = createAssetStage(file('assets2.csv', ASSETS), undefined, logger);
    const e = event({ host: 'web01' });
    stage.process(e);
    expect(e.host).toBe('web01');
  });

  it('refuses a table without a key column, or with a column name that cannot be a field', () => {
    expect(() => createAssetStage(file('nokey.csv', 'server,owner\nweb01,alice\n'), undefined, logger)).toThrow(
      expect.objectContaining({ code: 'SIEM_ENRICH_TABLE_INVALID', message: expect.stringContaining('name it host.name or host or hostname or name') }),
    );
    expect(() => createAssetStage(file('badcol.csv', 'name,Owner Name\nweb01,alice\n'), undefined, logger)).toThrow(/must be lower_snake_case/);
    expect(() => createAssetStage(file('binary.csv', Buffer.from([0, 1, 2, 255, 10, 0, 0])), undefined, logger)).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_TABLE_INVALID' }));
  });
});

describe('identity table', () => {
  it('fills ECS user fields and user.asset by name, DOMAIN\\name, UPN or email', () => {
    const stage = createIdentityStage(file('users.csv', USERS), undefined, logger);
    const plain = event({ user: { name: 'alice' } });
    const windows = event({ user: { name: 'CORP\\Alice', full_name: 'A. Martin (from the log)' } });
    const upn = event({ user: { name: 'bob@corp.example' } });
    const byEmail = event({ user: { email: 'BOB@corp.example' } });
    for (const e of [plain, windows, upn, byEmail]) stage.process(e);
    expect(plain.user).toEqual({
      name: 'alice',
      full_name: 'Alice Martin',
      email: 'alice@corp.example',
      roles: ['admin', 'approver'],
      group: { name: 'finance-admins' },
      asset: { department: 'Finance', criticality: 'high_impact' },
    });
    expect(windows.user).toMatchObject({ full_name: 'A. Martin (from the log)', asset: { department: 'Finance' } });
    expect(upn.user).toMatchObject({ full_name: 'Bob Stone', asset: { department: 'Engineering' } });
    expect(byEmail.user).toMatchObject({ email: 'BOB@corp.example', full_name: 'Bob Stone' });
    expect(stage.counts()).toEqual({ rows: 2, matched: 4 });
  });

  it('skips rows without a name and rows with a 1 MB cell, keeping the others', () => {
    const stage = createIdentityStage(file('users-hostile.csv', `user,department\n,Ghost\ncarol,${'x'.repeat(1024 * 1024)}\ndave,Sales\n`), undefined, logger);
    const e = event({ user: { name: 'dave' } });
    stage.process(e);
    expect(e.user).toEqual({ name: 'dave', asset: { department: 'Sales' } });
    expect(stage.counts().rows).toBe(1);
  });
});
