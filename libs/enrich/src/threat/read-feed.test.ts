import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnrichError } from '../errors';
import { readFeed } from './read-feed';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));
const values = (feed: ReturnType<typeof readFeed>): string[] => feed.indicators.map((i) => `${i.type} ${i.value}`);

describe('readFeed – plain lists', () => {
  it('infers each type and skips comments', () => {
    const feed = readFeed(
      Buffer.from(
        [
          '# Example blocklist',
          '203.0.113.5',
          '198.51.100.0/24 ; SBL12345',
          '2001:db8::/32',
          'Evil.COM.',
          'https://bad.example.net/dl?id=1',
          'D41D8CD98F00B204E9800998ECF8427E',
          'da39a3ee5e6b4b0d3255bfef95601890afd80709\tempty file sha1',
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          '',
        ].join('\n'),
      ),
      '/feeds/list.txt',
    );
    expect(feed.format).toBe('plain');
    expect(values(feed)).toEqual([
      'ipv4-addr 203.0.113.5',
      'ipv4-addr 198.51.100.0/24',
      'ipv6-addr 2001:db8::/32',
      'domain-name evil.com',
      'url https://bad.example.net/dl?id=1',
      'file d41d8cd98f00b204e9800998ecf8427e',
      'file da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'file e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ]);
    expect(feed.indicators[6]).toMatchObject({ hash: 'sha1', description: 'empty file sha1', feed: 'list.txt' });
    expect(feed.skipped.size).toBe(0);
  });

  it('skips and counts a 1 MB line, invalid CIDRs and junk, keeping the good lines around them', () => {
    const text = ['203.0.113.1', 'x'.repeat(1024 * 1024), '10.0.0.0/33', '10.0.0.0/abc', '::1/129', 'not a domain!', '\u0000\u0001\u0002\u00ff', '203.0.113.2'].join('\n');
    const feed = readFeed(Buffer.from(text, 'latin1'), '/feeds/mixed.txt');
    expect(values(feed)).toEqual(['ipv4-addr 203.0.113.1', 'ipv4-addr 203.0.113.2']);
    expect(Object.fromEntries(feed.skipped)).toEqual({ too_long: 1, invalid_cidr: 3, unrecognised: 1, not_text: 1 });
    expect(feed.examples[0]).toMatch(/^line 2 \(too_long\): "x{80}…"$/);
  });

  it('refuses a file of binary junk as a whole', () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(() => readFeed(junk, '/feeds/junk.bin')).toThrow(expect.objectContaining({ code: 'SIEM_ENRICH_FEED_INVALID', path: '/feeds/junk.bin' }));
  });

  it('accepts an empty list and a list of comments only', () => {
    expect(readFeed(Buffer.from(''), '/f/empty.txt').indicators).toEqual([]);
    expect(readFeed(Buffer.from('# nothing yet\n'), '/f/comments.txt').indicators).toEqual([]);
  });
});

describe('readFeed – CSV', () => {
  it('reads the columns by name, checks a declared type and infers a missing one', () => {
    const csv = [
      'Type,Indicator,Description,Provider,Confidence,first_seen',
      'ip,203.0.113.7,"Scanner, aggressive",abuse.ch,high,2024-01-01',
      'domain,phish.example.org,"Says ""invoice""",,40,',
      ',https://evil.example/x,,,,',
      'sha256,d41d8cd98f00b204e9800998ecf8427e,wrong length for sha256,,,',
      'md5,not-a-hash,,,,',
      'email,bad@example.org,,,,',
    ].join('\r\n');
    const feed = readFeed(Buffer.from(csv), '/feeds/iocs.csv');
    expect(feed.format).toBe('csv');
    expect(feed.indicators).toEqual([
      expect.objectContaining({ type: 'ipv4-addr', value: '203.0.113.7', description: 'Scanner, aggressive', provider: 'abuse.ch', confidence: 'High', feed: 'iocs.csv' }),
      expect.objectContaining({ type: 'domain-name', value: 'phish.example.org', description: 'Says "invoice"', confidence: 'Medium' }),
      expect.objectContaining({ type: 'url', value: 'https://evil.example/x' }),
    ]);
    expect(feed.indicators[1]).not.toHaveProperty('provider');
    expect(Object.fromEntries(feed.skipped)).toEqual({ invalid_hash: 2 });
    expect(Object.fromEntries(feed.ignored)).toEqual({ type_email: 1 });
  });

  it('refuses a CSV without an indicator column, naming the columns it has', () => {
    expect(() => readFeed(Buffer.from('ip_address,comment\n1.2.3.4,x\n'), '/feeds/bad.csv')).toThrow(/no indicator column in its header \(ip_address, comment\)/);
  });

  it('refuses a CSV with an unterminated quote', () => {
    expect(() => readFeed(Buffer.from('indicator,description\n1.2.3.4,"open\n5.6.7.8,x\n'), '/feeds/quote.csv')).toThrow(
      expect.objectContaining({ code: 'SIEM_ENRICH_FEED_INVALID', message: expect.stringContaining('line 2') }),
    );
  });
});

describe('readFeed – STIX 2.1', () => {
  it('reads OR-ed equality patterns of a bundle with provider, description and confidence', () => {
    const feed = readFeed(fixture('stix-bundle.json'), '/feeds/stix-bundle.json', new Date('2024-01-01T00:00:00Z'));
    expect(feed.format).toBe('stix');
    expect(values(feed)).toEqual([
      'file 4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877',
      'ipv4-addr 198.51.100.1/32',
      'ipv4-addr 203.0.113.33/32',
      'ipv6-addr 2001:0db8:dead:beef:dead:beef:0000:0000/96',
      'url http://x4z9arb.cn/4712/',
      'domain-name example.com',
    ]);
    expect(feed.indicators[0]).toMatchObject({
      hash: 'sha256',
      provider: 'ACME Widget, Inc.',
      description: 'This file is part of Poison Ivy',
      confidence: 'High',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    });
    expect(feed.indicators[1]).toMatchObject({ description: 'C2 addresses', provider: 'ACME Widget, Inc.' });
    expect(Object.fromEntries(feed.ignored)).toEqual({ pattern_not_a_lookup: 1, pattern_type_snort: 1, revoked: 1, expired: 1 });
    expect(feed.skipped.size).toBe(0);
  });

  it('reads a single indicator object and ignores object paths it cannot match', () => {
    const indicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--11111111-2222-4333-8444-555555555555',
      pattern: "[email-addr:value = 'a@example.org' OR domain-name:value='it\\'s.example.org' OR domain-name:value = 'ok.example.org']",
      pattern_type: 'stix',
      valid_from: '2020-01-01T00:00:00Z',
    };
    const feed = readFeed(Buffer.from(JSON.stringify(indicator)), '/feeds/one.json');
    expect(values(feed)).toEqual(['domain-name ok.example.org']);
    expect(Object.fromEntries(feed.ignored)).toEqual({ 'object_path_email-addr:value': 1 });
    expect(Object.fromEntries(feed.skipped)).toEqual({ invalid_domain: 1 });
  });
});

describe('readFeed – MISP', () => {
  it('reads event and object attributes, splitting composite values', () => {
    const feed = readFeed(fixture('misp-event.json'), '/feeds/misp-event.json');
    expect(feed.format).toBe('misp');
    expect(values(feed)).toEqual([
      'ipv4-addr 192.0.2.10',
      'ipv6-addr 2001:db8::bad',
      'domain-name emotet-c2.example',
      'url https://downloads.example.net/invoice.doc',
      'file e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'file d41d8cd98f00b204e9800998ecf8427e',
    ]);
    expect(feed.indicators[0]).toMatchObject({ provider: 'CIRCL', description: 'C2 server', id: 'a0f3e2c1-0001-4b4b-9d7e-000000000001' });
    expect(feed.indicators[2]).toMatchObject({ description: 'Emotet epoch 4 distribution' });
    expect(Object.fromEntries(feed.ignored)).toEqual({ not_to_ids: 1, 'type_email-src': 1 });
    expect(Object.fromEntries(feed.skipped)).toEqual({ invalid_ip: 1 });
  });

  it('reads a restSearch response with several events', () => {
    const event = JSON.parse(fixture('misp-event.json').toString('utf8')) as unknown;
    const feed = readFeed(Buffer.from(JSON.stringify({ response: [event, event] })), '/feeds/rest.json');
    expect(feed.indicators).toHaveLength(12);
  });
});

describe('readFeed – broken JSON', () => {
  it('refuses JSON that does not parse, and JSON of another shape', () => {
    expect(() => readFeed(Buffer.from('{"type": "bundle", "objects": ['), '/f/cut.json')).toThrow(EnrichError);
    expect(() => readFeed(Buffer.from('{"hello": "world"}'), '/f/other.json')).toThrow(/neither a STIX 2.1 bundle .* nor a MISP export/);
  });
});
