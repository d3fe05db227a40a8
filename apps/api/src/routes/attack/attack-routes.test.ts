import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDetectionStore } from '@siem/store';
import { attackRoutes } from '.';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'siem-attack-'));
const detection = new EmbeddedDetectionStore({ dataDir: directory });
const app = Fastify();
let permission: string | undefined;
app.addHook('onRoute', (route) => {
  if (route.method === 'GET') permission = route.config?.permission;
});
app.register(attackRoutes, { prefix: '/api/v1', detection });

const rule = (id: number, title: string, tags: string[], enabled = true) => ({
  id: `a77ac000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  title,
  level: 'high',
  enabled,
  tags,
  logsource: { product: 'windows', category: 'process_creation' },
  detection: { selection: { Image: 'x' }, condition: 'selection' },
});

beforeAll(async () => {
  await app.ready();
  await detection.saveRules([
    rule(1, 'Encoded PowerShell', ['attack.execution', 'attack.t1059.001']),
    rule(2, 'PowerShell download cradle', ['attack.execution', 'attack.t1059.001', 'attack.command-and-control', 'attack.t1105']),
    rule(3, 'Disabled brute force', ['attack.credential-access', 'attack.t1110'], false),
    rule(4, 'Suspicious cmd', ['attack.execution', 'attack.t1059']),
    rule(5, 'Untagged', ['custom.local']),
  ]);
});
afterAll(async () => {
  await app.close();
  await detection.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe('/api/v1/attack/coverage', () => {
  it('counts the enabled rules per technique from their attack.tXXXX tags', async () => {
    const body = (await app.inject('/api/v1/attack/coverage')).json();
    expect(body.enabled_rules).toBe(4);
    expect(body.rules_without_technique).toBe(1);
    expect(body.techniques.map((technique: { id: string; rules: { title: string }[] }) => [technique.id, technique.rules.map((found) => found.title)])).toEqual([
      ['T1059', ['Suspicious cmd']],
      ['T1059.001', ['Encoded PowerShell', 'PowerShell download cradle']],
      ['T1105', ['PowerShell download cradle']],
    ]);
    expect(permission).toBe('rules:read');
  });

  it('exports an ATT&CK Navigator layer of format 4.5 with the shape the Navigator opens', async () => {
    const response = await app.inject('/api/v1/attack/coverage?format=navigator');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename=".+\.json"/);
    const layer = response.json();
    // Required by LAYERFORMATv4_5.md: name, domain, versions.layer "4.5" and versions.navigator at least 4.9.0.
    expect(typeof layer.name).toBe('string');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.versions.layer).toBe('4.5');
    const [major, minor] = String(layer.versions.navigator).split('.').map(Number);
    expect(major! > 4 || (major === 4 && minor! >= 9)).toBe(true);
    expect(layer.techniques).toEqual([
      { techniqueID: 'T1059', score: 1, comment: 'Suspicious cmd', enabled: true, showSubtechniques: true },
      { techniqueID: 'T1059.001', score: 2, comment: 'Encoded PowerShell; PowerShell download cradle', enabled: true, showSubtechniques: false },
      { techniqueID: 'T1105', score: 1, comment: 'PowerShell download cradle', enabled: true, showSubtechniques: false },
    ]);
    for (const technique of layer.techniques) expect(technique.techniqueID).toMatch(/^T\d{4}(\.\d{3})?$/);
    expect(layer.gradient.colors.length).toBeGreaterThanOrEqual(2);
    expect(layer.gradient.maxValue).toBeGreaterThan(layer.gradient.minValue);
    expect(layer.gradient.maxValue).toBe(2);
    for (const item of layer.legendItems) expect(Object.keys(item).sort()).toEqual(['color', 'label']);
    expect(layer.sorting).toBe(3);
  });

  it('refuses an unknown format', async () => {
    expect((await app.inject('/api/v1/attack/coverage?format=xml')).statusCode).toBe(400);
  });
});
