import type { EcsEvent, RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { compileBodyParser, isParseError } from './body-format';
import { createParserContext } from './context';
import { leefBody, leefParser } from './leef';
import type { ParserConfig } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const RECEIVED = '2026-11-23T11:59:59.000Z';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: RECEIVED, sourceAddress: '192.0.2.10', input: 'syslog_udp' };
}

function parseWith(config: Partial<ParserConfig>, line: string): EcsEvent {
  const result = leefParser.create({ now: () => NOW, ...config }).parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

const parse = (line: string) => parseWith({}, line);

function errorOf(line: string, config: Partial<ParserConfig> = {}) {
  const result = leefParser.create({ now: () => NOW, ...config }).parse(record(line));
  return result.ok ? undefined : result.error;
}

const extensionsOf = (event: EcsEvent) => (event.leef as { extensions: Record<string, string> }).extensions;

describe('leef – QRadar documentation examples', () => {
  it('leef – maps a LEEF 1.0 event with tab-separated attributes to ECS field by field', () => {
    const line = 'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black';
    expect(parse(line)).toEqual({
      '@timestamp': RECEIVED,
      message: line,
      event: { kind: 'event', code: '15345', severity: 5, dataset: 'leef', ingested: NOW.toISOString(), original: line },
      observer: { vendor: 'Microsoft', product: 'MSExchange', version: '4.0 SP1' },
      leef: {
        version: '1.0',
        vendor: 'Microsoft',
        product: 'MSExchange',
        product_version: '4.0 SP1',
        event_id: '15345',
        extensions: { src: '192.0.2.0', dst: '172.50.123.1', sev: '5', cat: 'anomaly', srcPort: '81', dstPort: '21', usrName: 'joe.black' },
      },
      source: { ip: '192.0.2.0', port: 81 },
      destination: { ip: '172.50.123.1', port: 21 },
      user: { name: 'joe.black' },
      log: { source: { address: '192.0.2.10' } },
      host: { name: '192.0.2.10' },
    });
  });

  it('leef – reads a LEEF 2.0 event whose header names a caret delimiter', () => {
    const event = parse('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.0^dst=172.50.123.1^sev=5^cat=anomaly^srcPort=81^dstPort=21^usrName=joe.black');
    expect(event.leef).toMatchObject({ version: '2.0', vendor: 'Lancope', event_id: '41', delimiter: '^' });
    expect(extensionsOf(event)).toEqual({
      src: '192.0.2.0',
      dst: '172.50.123.1',
      sev: '5',
      cat: 'anomaly',
      srcPort: '81',
      dstPort: '21',
      usrName: 'joe.black',
    });
    expect(event.source).toEqual({ ip: '192.0.2.0', port: 81 });
  });

  it.each([
    ['x7C', '|', 'src=10.0.0.1|dst=10.0.0.2'],
    ['0x5E', '^', 'src=10.0.0.1^dst=10.0.0.2'],
    ['x09', '\t', 'src=10.0.0.1\tdst=10.0.0.2'],
    ['\\x3B', ';', 'src=10.0.0.1;dst=10.0.0.2'],
    ['', '\t', 'src=10.0.0.1\tdst=10.0.0.2'],
  ])('leef – reads the LEEF 2.0 delimiter field %j as %j', (field, delimiter, attributes) => {
    const event = parse(`LEEF:2.0|Vendor|Product|1.0|Event|${field}|${attributes}`);
    expect(event.leef).toMatchObject({ delimiter });
    expect(extensionsOf(event)).toEqual({ src: '10.0.0.1', dst: '10.0.0.2' });
  });

  it('leef – takes a tab when a LEEF 2.0 header leaves the delimiter field out altogether', () => {
    const event = parse('LEEF:2.0|Vendor|Product|1.0|Event|src=10.0.0.1\tdst=10.0.0.2');
    expect(event.leef).toMatchObject({ delimiter: '\t' });
    expect(extensionsOf(event)).toEqual({ src: '10.0.0.1', dst: '10.0.0.2' });
  });

  it('leef – starts at the LEEF marker behind a syslog-style prefix', () => {
    const event = parse('Jan 18 11:07:53 host LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tusrName=joe.black');
    expect(event.observer).toEqual({ vendor: 'Microsoft', product: 'MSExchange', version: '4.0 SP1' });
    expect(event.user).toEqual({ name: 'joe.black' });
  });

  it('leef – maps NAT, MAC, byte, packet, protocol, URL and policy attributes and keeps equals signs in values', () => {
    const event = parse(
      'LEEF:2.0|Acme|FW|2|deny|^|src=10.0.0.1^srcPostNAT=203.0.113.5^srcPostNATPort=40000^dst=198.51.100.7^dstPostNAT=10.1.1.1^dstPostNATPort=8443' +
        '^srcMAC=00:11:22:33:44:55^dstMAC=66-77-88-99-aa-bb^srcBytes=10^dstBytes=20^totalBytes=30^srcPackets=1^dstPackets=2^proto=17' +
        '^url=https://example.com/login?user=a&next=/^policy=Block outbound^identSrc=10.0.0.9',
    );
    expect(event.source).toEqual({ ip: '10.0.0.1', nat: { ip: '203.0.113.5', port: 40000 }, mac: '00-11-22-33-44-55', bytes: 10, packets: 1 });
    expect(event.destination).toEqual({ ip: '198.51.100.7', nat: { ip: '10.1.1.1', port: 8443 }, mac: '66-77-88-99-AA-BB', bytes: 20, packets: 2 });
    expect(event.network).toEqual({ bytes: 30, transport: 'udp', iana_number: '17' });
    expect(event.url).toEqual({ original: 'https://example.com/login?user=a&next=/' });
    expect(event.rule).toEqual({ name: 'Block outbound' });
    expect(extensionsOf(event).identSrc).toBe('10.0.0.9');
  });
});

describe('leef – devTime', () => {
  const at = (attributes: string, config: Partial<ParserConfig> = {}) => parseWith(config, `LEEF:2.0|V|P|1|E|^|${attributes}`)['@timestamp'];

  it.each([
    ['devTime=1700000000123', '2023-11-14T22:13:20.123Z'],
    ['devTime=Nov 14 2023 22:13:20', '2023-11-14T22:13:20.000Z'],
    ['devTime=Nov 14 2023 22:13:20.250 CET', '2023-11-14T21:13:20.250Z'],
    ['devTime=Oct 12 2017 12:43:15.123 UTC^devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z', '2017-10-12T12:43:15.123Z'],
    ["devTime=2017-10-12T12:43:15+0200^devTimeFormat=yyyy-MM-dd'T'HH:mm:ssZ", '2017-10-12T10:43:15.000Z'],
    ['devTime=12/10/2017 01:43:15 PM^devTimeFormat=dd/MM/yyyy hh:mm:ss a', '2017-10-12T13:43:15.000Z'],
    ['devTime=12/10/2017 12:05:00 AM^devTimeFormat=dd/MM/yyyy hh:mm:ss a', '2017-10-12T00:05:00.000Z'],
    ['devTimeFormat=EEE, d MMMM yy HH:mm:ss^devTime=Thu, 5 October 17 08:00:00', '2017-10-05T08:00:00.000Z'],
    ['devTime=20171012124315^devTimeFormat=yyyyMMddHHmmss', '2017-10-12T12:43:15.000Z'],
    ['devTime=Nov 20 08:00:00^devTimeFormat=MMM dd HH:mm:ss', '2026-11-20T08:00:00.000Z'],
    ['devTime=1700000000123^devTimeFormat=dd/MM/yyyy', '2023-11-14T22:13:20.123Z'],
  ])('leef – reads %s as %s', (attributes, expected) => {
    expect(at(attributes)).toBe(expected);
  });

  it('leef – reads a devTime without a zone in the configured timezone', () => {
    expect(at('devTime=2023-07-14 22:13:20^devTimeFormat=yyyy-MM-dd HH:mm:ss', { timezone: 'Europe/Berlin' })).toBe('2023-07-14T20:13:20.000Z');
  });

  it.each([
    'devTime=yesterday',
    'devTime=2017-10-12^devTimeFormat=dd/MM/yyyy',
    'devTime=2017-10-12^devTimeFormat=yyyy-MM-dd QQQ',
    "devTime=2017-10-12^devTimeFormat=yyyy-MM-dd'unterminated",
    'devTime=2017-02-30^devTimeFormat=yyyy-MM-dd',
  ])('leef – keeps the receive time when %s cannot be read', (attributes) => {
    const event = parseWith({}, `LEEF:2.0|V|P|1|E|^|${attributes}`);
    expect(event['@timestamp']).toBe(RECEIVED);
    expect(extensionsOf(event).devTime).toBeDefined();
  });
});

describe('leef – optional parts missing and bad input', () => {
  it('leef – accepts empty header fields and no attributes', () => {
    const event = parse('LEEF:1.0|||||');
    expect(event.leef).toEqual({ version: '1.0', extensions: {} });
    expect(event.event).toMatchObject({ kind: 'event' });
    expect(event.event).not.toHaveProperty('code');
  });

  it('leef – skips attributes without an equals sign or with an empty key', () => {
    expect(extensionsOf(parse('LEEF:1.0|V|P|1|E|junk\t=nokey\tsrc=10.0.0.1\t\t'))).toEqual({ src: '10.0.0.1' });
  });

  it.each([
    ['LEEF:1.0|Vendor|Product', 'LEEF 1.0 header has 2 of its 5'],
    ['LEEF:1.0', 'LEEF 1.0 header has 0 of its 5'],
    ['LEEF:2.0|Vendor|Product|1.0|Event|^', 'LEEF 2.0 header has 5 of its 6'],
    ['LEEF:3.0|Vendor|Product|1.0|Event|', 'version "3.0"'],
    ['LEEF:|Vendor', 'version ""'],
    ['LEEF:2.0|Vendor|Product|1.0|Event|abc|src=10.0.0.1', 'delimiter "abc"'],
    ['LEEF:2.0|Vendor|Product|1.0|Event|x00|src=10.0.0.1', 'delimiter "x00"'],
  ])('leef – answers SIEM_PARSE_BAD_LEEF_HEADER for %j', (line, text) => {
    expect(errorOf(line)).toEqual({ code: 'SIEM_PARSE_BAD_LEEF_HEADER', parser: 'leef', retryable: false, message: expect.stringContaining(text) });
  });

  it('leef – answers SIEM_PARSE_NO_MATCH for a line without a LEEF marker', () => {
    expect(errorOf('CEF:0|a|b|1|2|n|3|src=10.0.0.1')).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH', parser: 'leef' });
  });

  it('leef – keeps values that do not fit a typed ECS field only as attributes', () => {
    const event = parse('LEEF:1.0|V|P|1|E|src=nope\tsrcPort=99999\tsev=high\tsrcMAC=00:11');
    expect(event).not.toHaveProperty('source');
    expect(event.event).not.toHaveProperty('severity');
    expect(extensionsOf(event)).toEqual({ src: 'nope', srcPort: '99999', sev: 'high', srcMAC: '00:11' });
  });
});

describe('leef – non-ASCII and hostile input', () => {
  it('leef – keeps UTF-8 in header fields, keys and values', () => {
    const event = parse('LEEF:2.0|Sécurité SA|Pare-feu|1.0|Connexion refusée|^|usrName=françois^ключ=значение^msg=🔥 ok');
    expect(event.observer).toMatchObject({ vendor: 'Sécurité SA' });
    expect(event.event.code).toBe('Connexion refusée');
    expect(event.user).toEqual({ name: 'françois' });
    expect(extensionsOf(event)).toMatchObject({ ключ: 'значение', msg: '🔥 ok' });
  });

  it('leef – drops prototype-reaching keys without touching Object.prototype', () => {
    const event = parse('LEEF:1.0|V|P|1|E|__proto__=polluted\tconstructor=x\tsrc=10.0.0.1');
    expect(Object.keys(extensionsOf(event))).toEqual(['src']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leef – reads a 1 MiB value, ten thousand attributes and a long run of attributes without equals signs', () => {
    const config = { maxMessageBytes: 4 * 1024 * 1024 };
    const big = 'y'.repeat(1024 * 1024);
    expect(extensionsOf(parseWith(config, `LEEF:1.0|V|P|1|E|msg=${big}\tsrc=10.0.0.1`)).msg).toHaveLength(big.length);
    const many = Array.from({ length: 10_000 }, (_, index) => `k${index}=v${index}`).join('^');
    expect(Object.keys(extensionsOf(parseWith(config, `LEEF:2.0|V|P|1|E|^|${many}`)))).toHaveLength(10_000);
    const noEquals = `LEEF:2.0|V|P|1|E|^|${'x^'.repeat(500_000)}last=1`;
    expect(extensionsOf(parseWith(config, noEquals))).toEqual({ last: '1' });
  });
});

describe('leef – as a body parser', () => {
  it('leef – parses a body handed over by a syslog parser', () => {
    const { parseBody } = compileBodyParser(leefBody, createParserContext({ now: () => NOW }));
    expect(parseBody('LEEF:1.0|V|P|1|E|src=10.0.0.1\tdevTime=1700000000123')).toMatchObject({
      '@timestamp': 1700000000123,
      source: { ip: '10.0.0.1' },
      leef: { version: '1.0' },
    });
    expect(parseBody('plain text')).toBeUndefined();
    expect(isParseError(parseBody('LEEF:1.0|V'))).toBe(true);
  });
});
