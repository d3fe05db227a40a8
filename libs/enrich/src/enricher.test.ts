import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { loadConfig } from '@siem/config';
import type { EcsEvent } from '@siem/schema';
import { createLogger } from '@siem/telemetry';
import { waitFor } from '@siem/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EnrichConfigSchema, resolveEnrichConfig } from './config';
import { bundledDatabasePath } from './geoip/geo-database';
import { writeMmdb } from './geoip/test-mmdb';
import { createEnricher, type Enricher } from './enricher';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'threat', 'fixtures');
const dir = mkdtempSync(path.join(tmpdir(), 'enrich-'));
const logger = createLogger('test', 'silent');
const open: Enricher[] = [];
afterEach(() => {
  for (const enricher of open.splice(0)) enricher.close();
});

const file = (name: string, content: string | Buffer): string => {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
};
const enricher = (config: Parameters<typeof createEnricher>[0]): Enricher => {
  const created = createEnricher({ reloadDebounceMs: 20, reloadPollMs: 100, ...config }, { logger });
  open.push(created);
  return created;
};
const event = (fields: Record<string, unknown>): EcsEvent => ({ '@timestamp': '2024-01-01T00:00:00.000Z', event: {}, ...fields });
const enrichments = (e: EcsEvent): Record<string, any>[] => ((e.threat as { enrichments?: Record<string, any>[] } | undefined)?.enrichments ?? []);

describe('createEnricher – configuration', () => {
  it('rejects a mistyped key at start, naming it', () => {
    expect(() => createEnricher({ geoipDatabse: '/x.mmdb' } as never)).toThrow(
      expect.objectContaining({ code: 'SIEM_ENRICH_INVALID_CONFIG', message: expect.stringContaining('"geoipDatabse"') }),
    );
    expect(() => createEnricher({ geoipCacheSize: -1 })).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_INVALID_CONFIG', message: expect.stringContaining('geoipCacheSize') }));
  });

  it('accepts the enrich section of @siem/config as it is', () => {
    const config = loadConfig({ SIEM_THREAT_INTEL_FILES: '/a.txt, /b.json', SIEM_ASSET_FILE: '/assets.csv', SIEM_GEOIP_CACHE_SIZE: '5' });
    expect(config.enrich).toMatchObject({ threatIntelFiles: ['/a.txt', '/b.json'], assetFile: '/assets.csv', geoipCacheSize: 5, geoipEnabled: true });
    expect(Value.Check(EnrichConfigSchema, resolveEnrichConfig(config.enrich))).toBe(true);
  });

  it('names the missing indicator file at start', () => {
    const missing = path.join(dir, 'nope.txt');
    expect(() => createEnricher({ geoipEnabled: false, threatIntelFiles: [missing] })).toThrow(
      expect.objectContaining({ code: 'SIEM_ENRICH_FILE_NOT_FOUND', path: missing }),
    );
  });
});

describe('createEnricher – indicator match', () => {
  it('appends one threat.enrichments entry per matching indicator, from every format', () => {
    const enrich = enricher({
      geoipEnabled: false,
      threatIntelFiles: [
        path.join(fixtures, 'stix-bundle.json'),
        path.join(fixtures, 'misp-event.json'),
        file('list.txt', '198.51.100.0/24\nevil.example.org\n'),
        file('iocs.csv', 'indicator,type,provider,confidence\n2001:db8::/32,ipv6-addr,Feed Co,low\n'),
      ],
    });
    const e = event({
      source: { ip: '10.0.0.1' },
      destination: { ip: '198.51.100.1', domain: 'x.a.b.evil.example.org' },
      url: { original: 'HTTPS://downloads.example.net:443/invoice.doc', full: 'https://downloads.example.net/invoice.doc' },
      dns: { question: { name: 'emotet-c2.example.' } },
      process: { hash: { sha256: '4BAC27393BDD9777CE02453256C5577CD02275510B2227F473D03F533924F877' } },
      client: { ip: '2001:db8::bad' },
    });
    enrich.enrich(e);
    const list = enrichments(e);
    const byName = Object.fromEntries(list.map((entry) => [`${entry.matched.index}:${entry.indicator.name}`, entry]));
    expect(Object.keys(byName).sort()).toEqual([
      'iocs.csv:2001:db8::/32',
      'list.txt:198.51.100.0/24',
      'list.txt:evil.example.org',
      'misp-event.json:2001:db8::bad',
      'misp-event.json:emotet-c2.example',
      'misp-event.json:https://downloads.example.net/invoice.doc',
      'stix-bundle.json:198.51.100.1/32',
      'stix-bundle.json:4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877',
    ]);
    expect(byName['stix-bundle.json:198.51.100.1/32']).toEqual({
      indicator: { type: 'ipv4-addr', name: '198.51.100.1/32', ip: '198.51.100.1', provider: 'ACME Widget, Inc.', description: 'C2 addresses' },
      matched: { atomic: '198.51.100.1', field: 'destination.ip', type: 'enrichment', index: 'stix-bundle.json', id: 'indicator--a932fcc6-e032-476c-826f-cb970a5a1ade' },
    });
    expect(byName['list.txt:198.51.100.0/24']!.indicator).toEqual({ type: 'ipv4-addr', name: '198.51.100.0/24', provider: 'list.txt' });
    expect(byName['list.txt:evil.example.org']).toMatchObject({ indicator: { type: 'domain-name', url: { domain: 'evil.example.org' } }, matched: { field: 'destination.domain', atomic: 'x.a.b.evil.example.org' } });
    expect(byName['misp-event.json:https://downloads.example.net/invoice.doc']).toMatchObject({ indicator: { type: 'url', url: { original: 'https://downloads.example.net/invoice.doc' }, provider: 'CIRCL' }, matched: { field: 'url.original' } });
    expect(byName['stix-bundle.json:4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']).toMatchObject({
      indicator: { type: 'file', file: { hash: { sha256: '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' } }, confidence: 'High' },
      matched: { field: 'process.hash.sha256' },
    });
    expect(byName['iocs.csv:2001:db8::/32']).toMatchObject({ indicator: { provider: 'Feed Co', confidence: 'Low' }, matched: { field: 'client.ip' } });
    expect(enrich.stats().threatIntel).toMatchObject({ matches: 8, eventsMatched: 1 });
  });

  it('leaves events without a match untouched and keeps enrichments already present', () => {
    const enrich = enricher({ geoipEnabled: false, threatIntelFiles: [file('one.txt', '203.0.113.50\n')] });
    const clean = event({ source: { ip: '203.0.113.51' } });
    enrich.enrich(clean);
    expect(clean).not.toHaveProperty('threat');
    const previous = { indicator: { type: 'url' }, matched: { type: 'indicator_match_rule' } };
    const e = event({ source: { ip: '203.0.113.50' }, threat: { enrichments: [previous] } });
    enrich.enrich(e);
    expect(enrichments(e)).toHaveLength(2);
    expect(enrichments(e)[0]).toBe(previous);
  });
});

describe('createEnricher – hot reload', () => {
  it('picks up a rewritten indicator file without restart', async () => {
    const feed = file('reload.txt', '203.0.113.10\n');
    const enrich = enricher({ geoipEnabled: false, threatIntelFiles: [feed] });
    const probe = (ip: string): number => {
      const e = event({ destination: { ip } });
      enrich.enrich(e);
      return enrichments(e).length;
    };
    expect(probe('203.0.113.10')).toBe(1);
    expect(probe('203.0.113.20')).toBe(0);
    writeFileSync(feed, '# replaced\n203.0.113.20\n');
    await waitFor('the rewritten feed to be loaded', () => probe('203.0.113.20') === 1, 10_000, 20);
    expect(probe('203.0.113.10')).toBe(0);
  });

  it('picks up a file replaced by rename, as atomic writers do', async () => {
    const table = file('assets.csv', 'name,owner\nweb01,alice\n');
    const enrich = enricher({ geoipEnabled: false, assetFile: table });
    const owner = (): unknown => {
      const e = event({ host: { name: 'web01' } });
      enrich.enrich(e);
      return ((e.host as Record<string, any>).asset as Record<string, unknown> | undefined)?.owner;
    };
    expect(owner()).toBe('alice');
    writeFileSync(path.join(dir, 'assets.csv.tmp'), 'name,owner\nweb01,bob\n');
    renameSync(path.join(dir, 'assets.csv.tmp'), table);
    await waitFor('the renamed table to be loaded', () => owner() === 'bob', 10_000, 20);
  });

  it('keeps the previous indicators when a reload is bad, and takes the next good one', async () => {
    const feed = file('guarded.json', readFileSync(path.join(fixtures, 'misp-event.json')));
    const enrich = enricher({ geoipEnabled: false, threatIntelFiles: [feed] });
    const matches = (ip: string): number => {
      const e = event({ destination: { ip } });
      enrich.enrich(e);
      return enrichments(e).length;
    };
    expect(matches('192.0.2.10')).toBe(1);
    // Replaced by rename, so that a poll never reads the file half written.
    const replace = (content: string): void => {
      writeFileSync(`${feed}.tmp`, content);
      renameSync(`${feed}.tmp`, feed);
    };
    replace('{"Event": {"Attribute": [');
    await waitFor('the bad reload to be counted', () => enrich.stats().reloads.failed === 1, 10_000, 20);
    expect(matches('192.0.2.10')).toBe(1);
    replace(JSON.stringify({ Event: { Attribute: [{ type: 'ip-dst', value: '192.0.2.99', to_ids: true }] } }));
    await waitFor('the fixed feed to be loaded', () => matches('192.0.2.99') === 1, 10_000, 20);
    expect(matches('192.0.2.10')).toBe(0);
  });
});

describe('createEnricher – GeoIP database reload', () => {
  it('swaps in a replaced database and keeps the old one when the new file is corrupt', async () => {
    const database = file('geo.mmdb', readFileSync(bundledDatabasePath()));
    const enrich = enricher({ geoipDatabase: database });
    const country = (): unknown => {
      const e = event({ source: { ip: '1.1.1.1' } });
      enrich.enrich(e);
      return (e.source as Record<string, any>).geo?.country_iso_code;
    };
    expect(country()).toBe('AU');
    // Replaced by rename, so that each change is seen whole and counted once.
    const replace = (content: Buffer): void => {
      writeFileSync(`${database}.tmp`, content);
      renameSync(`${database}.tmp`, database);
    };
    replace(readFileSync(bundledDatabasePath()).subarray(0, 2_000_000));
    await waitFor('the corrupt database to be refused', () => enrich.stats().reloads.failed === 1, 10_000, 20);
    expect(country()).toBe('AU');
    replace(writeMmdb(0x01000000, 8, { country: { iso_code: 'FR', names: { en: 'France' } } }, 'GeoLite2-Country'));
    await waitFor('the new database to be loaded', () => country() === 'FR', 10_000, 20);
    expect(enrich.stats().reloads).toEqual({ succeeded: 1, failed: 1 });
  });
});

describe('createEnricher – logging', () => {
  it('warns once per file with the count of skipped entries and examples, not once per entry', () => {
    const lines: Record<string, any>[] = [];
    const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const created = createEnricher({ geoipEnabled: false, threatIntelFiles: [file('warn.txt', '203.0.113.1\n10.0.0.0/99\n???\n10.0.0.0/77\n')] }, { logger: capture });
    created.close();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ indicators: 1, skipped: { invalid_cidr: 2, unrecognised: 1 }, examples: ['line 2 (invalid_cidr): "10.0.0.0/99"', 'line 3 (unrecognised): "???"', 'line 4 (invalid_cidr): "10.0.0.0/77"'] });
  });
});

describe('createEnricher – all together', () => {
  it('runs GeoIP, indicators, assets and identities on one event', () => {
    const enrich = enricher({
      threatIntelFiles: [file('all.txt', '8.8.8.8\n')],
      assetFile: file('all-assets.csv', 'host.name,criticality\nfw01,high_impact\n'),
      identityFile: file('all-users.csv', 'user.name,department\nalice,Finance\n'),
    });
    const e = event({ host: { name: 'fw01' }, user: { name: 'alice' }, source: { ip: '192.168.1.10' }, destination: { ip: '8.8.8.8' } });
    enrich.enrich(e);
    expect(e).toMatchObject({
      tags: ['private_source_ip'],
      destination: { ip: '8.8.8.8', geo: { country_iso_code: 'US' } },
      threat: { enrichments: [{ indicator: { ip: '8.8.8.8' }, matched: { field: 'destination.ip' } }] },
      host: { asset: { criticality: 'high_impact' } },
      user: { asset: { department: 'Finance' } },
    });
    expect(enrich.stats()).toMatchObject({ events: 1, errors: 0, geoip: { found: 1, special: 1 }, assets: { matched: 1 }, identities: { matched: 1 } });
  });

  it('survives hostile events', () => {
    const enrich = enricher({ threatIntelFiles: [file('h.txt', 'evil.example\n10.0.0.0/8\nd41d8cd98f00b204e9800998ecf8427e\n')], assetFile: file('h.csv', 'name,owner\na,b\n') });
    const hostile = [
      event({ source: null, destination: [1, 2], url: { original: 42, domain: { nested: true } }, dns: 'x', file: { hash: 'abc' } }),
      event({ threat: 'not an object', source: { ip: '10.1.1.1' } }),
      event({ threat: { enrichments: 'not an array' }, url: { domain: 'a.evil.example' } }),
      event({ url: { domain: `${'a.'.repeat(5000)}evil.example`, original: `http://${'x'.repeat(1024 * 1024)}` } }),
      event({ host: { name: { toLowerCase: 1 } }, user: { name: ['alice'] }, tags: 'single', source: { ip: '10.0.0.1' } }),
    ];
    for (const e of hostile) expect(() => enrich.enrich(e)).not.toThrow();
    expect(hostile[1]!.threat).toBe('not an object');
    expect((hostile[2]!.threat as Record<string, unknown>).enrichments).toBe('not an array');
    expect(hostile[4]!.tags).toEqual(['single', 'private_source_ip']);
    expect(enrich.stats().errors).toBe(0);
  });
});
