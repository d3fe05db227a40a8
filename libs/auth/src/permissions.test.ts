import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, roleAllows } from './permissions';

describe('roles', () => {
  it('each role above viewer holds every permission of the role below it', () => {
    const ladder = ['viewer', 'analyst', 'detection', 'admin'] as const;
    for (let i = 1; i < ladder.length; i++) {
      for (const permission of PERMISSIONS) {
        if (roleAllows(ladder[i - 1]!, permission)) expect(roleAllows(ladder[i]!, permission)).toBe(true);
      }
    }
  });

  it('an ingest key may only send events', () => {
    expect(PERMISSIONS.filter((p) => p !== 'public' && roleAllows('ingest', p))).toEqual(['ingest:write']);
  });

  it('only admin manages keys, only detection and admin write rules', () => {
    expect(ROLES.filter((r) => roleAllows(r, 'keys:manage'))).toEqual(['admin']);
    expect(ROLES.filter((r) => roleAllows(r, 'rules:write'))).toEqual(['detection', 'admin']);
    expect(ROLES.filter((r) => roleAllows(r, 'alerts:write'))).toEqual(['analyst', 'detection', 'admin']);
  });
});
