import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EcsEvent } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { resolveEnrichConfig } from '../config';
import { bundledDatabasePath, openGeoDatabase } from './geo-database';
import { createGeoipStage } from './geoip-stage';
import { writeMmdb } from './test-mmdb';

const event = (fields: Record<string, unknown>): EcsEvent => ({ '@timestamp': '2024-01-01T00:00:00.000Z', event: {}, ...fields });
const stage = (overrides = {}) => createGeoipStage(resolveEnrichConfig({ watchFiles: false, ...overrides }), undefined);

describe('GeoIP with the bundled database', () => {
  it('geolocates well-known public resolvers by country and continent', () => {
    const geoip = stage();
    const e = event({ source: { ip: '8.8.8.8' }, destination: { ip: '1.1.1.1' }, client: { ip: '2001:4860:4860::8888' }, server: { ip: '193.0.6.139' } });
    geoip.process(e);
    expect(e.source).toEqual({ ip: '8.8.8.8', geo: { country_iso_code: 'US', country_name: 'United States', continent_code: 'NA', continent_name: 'North America' } });
    expect(e.destination).toMatchObject({ geo: { country_iso_code: 'AU', country_name: 'Australia', continent_code: 'OC' } });
    expect(e.client).toMatchObject({ geo: { country_iso_code: 'US' } });
    expect(e.server).toMatchObject({ geo: { country_iso_code: 'NL', continent_code: 'EU' } });
    expect(e.tags).toBeUndefined();
    expect(geoip.counts()).toMatchObject({ found: 4, special: 0 });
    expect(geoip.databases()).toEqual([bundledDatabasePath()]);
  });

  it('tags private, shared, loopback, link-local and multicast addresses instead of looking them up', () => {
    const geoip = stage();
    const e = event({ source: { ip: '10.1.2.3' }, destination: { ip: 'fd00::1' }, client: { ip: '100.64.1.1' }, server: { ip: '224.0.0.1' } });
    geoip.process(e);
    expect(e.tags).toEqual(['private_source_ip', 'private_destination_ip', 'shared_client_ip', 'multicast_server_ip']);
    expect(e.source).toEqual({ ip: '10.1.2.3' });
    const f = event({ source: { ip: '127.0.0.1' }, destination: { ip: 'fe80::1' }, tags: ['from_sender'] });
    geoip.process(f);
    expect(f.tags).toEqual(['from_sender', 'loopback_source_ip', 'link_local_destination_ip']);
  });

  it('tags documentation and benchmarking addresses, which the bundled database would place, with no geo', () => {
    const geoip = stage();
    const e = event({ source: { ip: '203.0.113.99' }, destination: { ip: '198.51.100.23' }, client: { ip: '2001:db8::5' }, server: { ip: '198.18.0.7' } });
    geoip.process(e);
    expect(e.tags).toEqual(['documentation_source_ip', 'documentation_destination_ip', 'documentation_client_ip', 'benchmarking_server_ip']);
    expect(e.source).toEqual({ ip: '203.0.113.99' });
    expect(e.client).toEqual({ ip: '2001:db8::5' });
    const f = event({ source: { ip: '192.0.2.44' }, destination: { ip: '240.0.0.9' } });
    geoip.process(f);
    expect(f.tags).toEqual(['documentation_source_ip', 'reserved_destination_ip']);
    expect(geoip.counts()).toMatchObject({ found: 0, special: 6 });
  });

  it('ignores invalid addresses and odd field shapes without throwing', () => {
    const geoip = stage();
    const events = [
      event({ source: { ip: 'not-an-ip' }, destination: { ip: '999.1.1.1' } }),
      event({ source: { ip: 42 }, destination: 'a string', client: null, server: ['8.8.8.8'] }),
      event({ source: { ip: 'x'.repeat(1024 * 1024) } }),
    ];
    for (const e of events) geoip.process(e);
    expect(events[0]!.source).toEqual({ ip: 'not-an-ip' });
    expect(events[1]!.destination).toBe('a string');
    expect(geoip.counts()).toMatchObject({ invalid: 3, found: 0 });
  });

  it('caches public IPv4 addresses by number, apart from the mapped IPv6 text, and knows special ones without the cache', () => {
    const geoip = stage();
    const events = ['8.8.8.8', '10.0.0.1', '8.8.8.8', '10.0.0.1', '::ffff:8.8.8.8', '::ffff:8.8.8.8', '08.8.8.8', '08.8.8.8'].map((ip) => event({ source: { ip } }));
    for (const e of events) geoip.process(e);
    expect(events.map((e) => (e.source as { geo?: { country_iso_code: string } }).geo?.country_iso_code)).toEqual(['US', undefined, 'US', undefined, undefined, undefined, undefined, undefined]);
    expect(events.map((e) => e.tags)).toEqual([undefined, ['private_source_ip'], undefined, ['private_source_ip'], undefined, undefined, undefined, undefined]);
    // The database answers for the dotted quad only: the mapped text must not share its cached result.
    expect(geoip.counts()).toMatchObject({ found: 2, notFound: 2, special: 2, invalid: 2, cacheHits: 3 });
  });

  it('keeps geo the sender already provided, and gives each event its own copy', () => {
    const geoip = stage();
    const senderGeo = { country_iso_code: 'DE' };
    const first = event({ source: { ip: '8.8.8.8', geo: senderGeo } });
    const second = event({ destination: { ip: '8.8.8.8' } });
    const third = event({ destination: { ip: '8.8.8.8' } });
    for (const e of [first, second, third]) geoip.process(e);
    expect((first.source as { geo: unknown }).geo).toBe(senderGeo);
    const geo2 = (second.destination as { geo: Record<string, unknown> }).geo;
    geo2.country_iso_code = 'changed downstream';
    expect((third.destination as { geo: Record<string, unknown> }).geo.country_iso_code).toBe('US');
    expect(geoip.counts().cacheHits).toBe(2);
  });
});

describe('GeoIP database files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enrich-geoip-'));

  it('uses a configured database file', () => {
    const copy = path.join(dir, 'country.mmdb');
    copyFileSync(bundledDatabasePath(), copy);
    const geoip = stage({ geoipDatabase: copy });
    expect(geoip.databases()).toEqual([copy]);
  });

  it('shares an answer across a /24 only where both databases answer for that /24 or wider', () => {
    const countryFile = path.join(dir, 'wide.mmdb');
    const asnFile = path.join(dir, 'narrow-asn.mmdb');
    writeFileSync(countryFile, writeMmdb(0x51020000, 16, { country_code: 'GB' }, 'country')); // 81.2.0.0/16
    writeFileSync(asnFile, writeMmdb(0x51024500, 28, { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold' }, 'GeoLite2-ASN')); // 81.2.69.0/28
    const geoip = stage({ geoipDatabase: countryFile, geoipAsnDatabase: asnFile });
    const answerFor = (ip: string) => {
      const e = event({ source: { ip } });
      geoip.process(e);
      const source = e.source as { geo?: { country_iso_code: string }; as?: { number: number } };
      return [source.geo?.country_iso_code, source.as?.number];
    };
    // 81.2.69.1 and .2 are inside the ASN's /28 (answers per address); .200 is outside it but within a /25 that the ASN database marks absent.
    expect(answerFor('81.2.69.1')).toEqual(['GB', 20712]);
    expect(answerFor('81.2.69.2')).toEqual(['GB', 20712]);
    expect(answerFor('81.2.69.200')).toEqual(['GB', undefined]);
    expect(geoip.counts().cacheHits).toBe(0);
    // 81.2.70.0/23 is absent from the ASN database and inside the country's /16: one lookup serves the /24.
    expect(answerFor('81.2.70.1')).toEqual(['GB', undefined]);
    expect(answerFor('81.2.70.99')).toEqual(['GB', undefined]);
    expect(answerFor('81.2.69.1')).toEqual(['GB', 20712]);
    expect(geoip.counts()).toMatchObject({ cacheHits: 2, found: 6 });
  });

  it('refuses a missing database at start with the path and what to do', () => {
    expect(() => stage({ geoipDatabase: path.join(dir, 'absent.mmdb') })).toThrow(
      expect.objectContaining({ code: 'SIEM_ENRICH_FILE_NOT_FOUND', message: expect.stringContaining('absent.mmdb" does not exist; create it or correct the path') }),
    );
  });

  it('refuses a corrupt or truncated database at start', () => {
    const junk = path.join(dir, 'junk.mmdb');
    writeFileSync(junk, Buffer.from('this is not a maxmind database'.repeat(100)));
    expect(() => stage({ geoipDatabase: junk })).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_DATABASE_CORRUPT', path: junk }));
    const truncated = path.join(dir, 'truncated.mmdb');
    writeFileSync(truncated, readFileSync(bundledDatabasePath()).subarray(0, 1_000_000));
    expect(() => stage({ geoipAsnDatabase: truncated })).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_DATABASE_CORRUPT' }));
  });

  it('refuses a directory given as the database', () => {
    expect(() => stage({ geoipDatabase: dir })).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_FILE_UNREADABLE', message: expect.stringContaining('EISDIR') }));
  });

  it('reads the bundled database type from its metadata', () => {
    expect(openGeoDatabase(readFileSync(bundledDatabasePath()), 'bundled').type).toBe('country ipvAll');
  });
});
