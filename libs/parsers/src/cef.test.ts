import type { EcsEvent, RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { compileBodyParser, isParseError } from './body-format';
import { cefBody, cefParser } from './cef';
import { createParserContext } from './context';
import type { ParserConfig } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const RECEIVED = '2026-11-23T11:59:59.000Z';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: RECEIVED, sourceAddress: '192.0.2.10', input: 'syslog_udp' };
}

function parseWith(config: Partial<ParserConfig>, line: string): EcsEvent {
  const result = cefParser.create({ now: () => NOW, ...config }).parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

const parse = (line: string) => parseWith({}, line);

function errorOf(line: string, config: Partial<ParserConfig> = {}) {
  const result = cefParser.create({ now: () => NOW, ...config }).parse(record(line));
  return result.ok ? undefined : result.error;
}

/** The `cef.extensions` of a parsed line. */
const extensionsOf = (event: EcsEvent) => (event.cef as { extensions: Record<string, string> }).extensions;

describe('cef – specification examples', () => {
  it('cef – maps the header and extensions of the spec example to ECS field by field', () => {
    const line = 'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232';
    expect(parse(line)).toEqual({
      '@timestamp': RECEIVED,
      message: 'worm successfully stopped',
      event: { kind: 'event', code: '100', severity: 10, dataset: 'cef', ingested: NOW.toISOString(), original: line },
      observer: { vendor: 'Security', product: 'threatmanager', version: '1.0' },
      cef: {
        version: '0',
        device: { vendor: 'Security', product: 'threatmanager', version: '1.0', event_class_id: '100' },
        name: 'worm successfully stopped',
        severity: '10',
        extensions: { src: '10.0.0.1', dst: '2.1.2.2', spt: '1232' },
      },
      source: { ip: '10.0.0.1', port: 1232 },
      destination: { ip: '2.1.2.2' },
      log: { source: { address: '192.0.2.10' } },
      host: { name: '192.0.2.10' },
    });
  });

  it('cef – reads an escaped pipe in a header field and a bare pipe in an extension value', () => {
    const event = parse('CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1');
    expect(event.cef).toMatchObject({ name: 'detected a | in message' });
    expect(extensionsOf(event)).toEqual({ src: '10.0.0.1', act: 'blocked a |', dst: '1.1.1.1' });
    expect(event.event.action).toBe('blocked a |');
  });

  it('cef – reads an escaped backslash in the header and in an extension value', () => {
    const event = parse('CEF:0|security|threatmanager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1 act=blocked a \\\\ dst=1.1.1.1');
    expect(event.cef).toMatchObject({ name: 'detected a \\ in packet' });
    expect(extensionsOf(event).act).toBe('blocked a \\');
    expect(event.destination).toEqual({ ip: '1.1.1.1' });
  });

  it('cef – reads an escaped equals sign in an extension value', () => {
    const event = parse('CEF:0|security|threatmanager|1.0|100|detected a = in message|10|src=10.0.0.1 act=blocked a \\= dst=1.1.1.1');
    expect(extensionsOf(event)).toEqual({ src: '10.0.0.1', act: 'blocked a =', dst: '1.1.1.1' });
  });

  it('cef – turns \\n and \\r in an extension value into line breaks and keeps unknown escapes as written', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|msg=first\\nsecond\\r\\nthird filePath=C:\\Windows\\temp\\x.exe');
    expect(event.message).toBe('first\nsecond\r\nthird');
    expect(event.file).toEqual({ path: 'C:\\Windows\\temp\\x.exe' });
  });

  it('cef – keeps an equals sign inside a value when no key precedes it, as in URLs', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|request=http://example.com/a?b=c&d=e requestMethod=POST app=HTTPS');
    expect(event.url).toEqual({ original: 'http://example.com/a?b=c&d=e' });
    expect(event.http).toEqual({ request: { method: 'POST' } });
    expect(event.network).toEqual({ protocol: 'https' });
  });

  it('cef – starts at the CEF marker when a syslog-style prefix is still in front of it', () => {
    const line = 'Sep 19 08:26:10 host CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232';
    const event = parse(line);
    expect(event.cef).toMatchObject({ version: '0', device: { vendor: 'Security' } });
    expect(event.source).toEqual({ ip: '10.0.0.1', port: 1232 });
    expect(event.event.original).toBe(line);
  });
});

describe('cef – vendor samples', () => {
  it('cef – Trend Micro Deep Discovery: labels, device fields, users and a GMT-offset receipt time', () => {
    const event = parse(
      'CEF:0|Trend Micro|Deep Discovery Email Inspector|5.1.0.1110|100139|CTP_DETECTION|8|deviceExternalId=6B593E17AFB7-40FBBB28-A4CE-0462-A536 ' +
        'dvc=10.1.144.199 dvchost=localhost dvcmac=00:0c:29:6e:cb:f9 rt=Mar 09 2015 17:05:21 GMT+01:00 request=http://www.example.net/?utm_campaign=4-21-2014 ' +
        'act=blocked msg=hello cs1Label=messageId cs1=<20150414032514.494EF1E9A365@example.ddei> cs2Label=senderMail cs2=user1@example.com ' +
        'cs3Label=rcptMail cs3=user2@example.com suser=user1@example.com duser=user2@example.com;test@example.org',
    );
    expect(event['@timestamp']).toBe('2015-03-09T16:05:21.000Z');
    expect(event.message).toBe('hello');
    expect(event.observer).toEqual({
      vendor: 'Trend Micro',
      product: 'Deep Discovery Email Inspector',
      version: '5.1.0.1110',
      ip: '10.1.144.199',
      hostname: 'localhost',
      mac: '00-0C-29-6E-CB-F9',
    });
    expect(event.labels).toEqual({
      messageId: '<20150414032514.494EF1E9A365@example.ddei>',
      senderMail: 'user1@example.com',
      rcptMail: 'user2@example.com',
    });
    expect(event.source).toEqual({ user: { name: 'user1@example.com' } });
    expect(event.destination).toEqual({ user: { name: 'user2@example.com;test@example.org' } });
    expect(event.event).toMatchObject({ code: '100139', severity: 8, action: 'blocked' });
    expect(extensionsOf(event).deviceExternalId).toBe('6B593E17AFB7-40FBBB28-A4CE-0462-A536');
  });

  it('cef – Check Point Log Exporter: spaces in header fields, Unknown severity, NAT fields and epoch-millis time', () => {
    const event = parse(
      'CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|https|Unknown|act=Accept destinationTranslatedAddress=0.0.0.0 ' +
        'destinationTranslatedPort=0 deviceDirection=0 rt=1543270652000 sourceTranslatedAddress=192.168.103.254 sourceTranslatedPort=35398 ' +
        'spt=49363 dpt=443 cs2Label=Rule Name cs2=Allow web layer_name=Network src=192.168.101.100 dst=52.173.84.157 proto=6',
    );
    expect(event['@timestamp']).toBe('2018-11-26T22:17:32.000Z');
    expect(event.event).not.toHaveProperty('severity');
    expect(event.cef).toMatchObject({ severity: 'Unknown', name: 'https' });
    expect(event.source).toEqual({ ip: '192.168.101.100', port: 49363, nat: { ip: '192.168.103.254', port: 35398 } });
    expect(event.destination).toEqual({ ip: '52.173.84.157', port: 443, nat: { ip: '0.0.0.0', port: 0 } });
    expect(event.network).toEqual({ transport: 'tcp', iana_number: '6' });
    expect(event.labels).toEqual({ Rule_Name: 'Allow web' });
    expect(extensionsOf(event).layer_name).toBe('Network');
  });

  it('cef – Fortinet FortiGate: vendor-prefixed keys, an empty value and a category kept as an extension', () => {
    const event = parse(
      'CEF:0|Fortinet|Fortigate|v6.2.9|32102|event:system|7|deviceExternalId=FGVM2V0000171868 FortinetFortiGatelogid=0100032102 ' +
        'cat=event:system FortinetFortiGatesubtype=system FortinetFortiGatelevel=alert FortinetFortiGatetz=+0100 ' +
        'FortinetFortiGatelogdesc=Configuration changed duser= sproc=console msg=Configuration is changed in the admin session',
    );
    expect(event.message).toBe('Configuration is changed in the admin session');
    expect(extensionsOf(event)).toMatchObject({
      FortinetFortiGatelogid: '0100032102',
      cat: 'event:system',
      FortinetFortiGatelogdesc: 'Configuration changed',
      duser: '',
      sproc: 'console',
    });
    expect(event).not.toHaveProperty('destination');
    expect(event.event).toMatchObject({ code: '32102', severity: 7 });
  });

  it('cef – a firewall event: bytes, MAC addresses, host names, file fields and a normalised outcome', () => {
    const hash = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
    const event = parse(
      `CEF:0|Acme|NGFW|9.1|traffic:allow|Traffic allowed|Medium|in=1024 out=2048 smac=aa-bb-cc-dd-ee-ff dmac=11:22:33:44:55:66 shost=pc1.example.org dhost=www.example.com ` +
        `outcome=/Success fname=setup.exe fsize=123456 fileHash=${hash} proto=UDP requestClientApplication=Mozilla/5.0 (X11; Linux) suid=1001`,
    );
    expect(event.source).toEqual({ bytes: 1024, mac: 'AA-BB-CC-DD-EE-FF', domain: 'pc1.example.org', user: { id: '1001' } });
    expect(event.destination).toEqual({ bytes: 2048, mac: '11-22-33-44-55-66', domain: 'www.example.com' });
    expect(event.event).toMatchObject({ outcome: 'success', severity: 6 });
    expect(event.file).toEqual({ name: 'setup.exe', size: 123456, hash: { sha256: hash.toLowerCase() } });
    expect(event.network).toEqual({ transport: 'udp' });
    expect(event.user_agent).toEqual({ original: 'Mozilla/5.0 (X11; Linux)' });
  });

  it('cef – accepts the full extension names as well as the short ones', () => {
    const event = parse(
      'CEF:0|a|b|1|2|n|3|sourceAddress=10.0.0.1 destinationAddress=fe80::1 sourcePort=1 destinationPort=2 deviceCustomString1Label=Policy deviceCustomString1=default',
    );
    expect(event.source).toEqual({ ip: '10.0.0.1', port: 1 });
    expect(event.destination).toEqual({ ip: 'fe80::1', port: 2 });
    expect(event.labels).toEqual({ Policy: 'default' });
  });
});

describe('cef – severity, outcome and typed fields', () => {
  it.each([
    ['Low', 3],
    ['Medium', 6],
    ['High', 8],
    ['Very-High', 10],
    ['very high', 10],
    ['0', 0],
  ])('cef – maps the severity %j to event.severity %d', (severity, expected) => {
    expect(parse(`CEF:0|a|b|1|2|n|${severity}|`).event.severity).toBe(expected);
  });

  it.each([
    ['failure', 'failure'],
    ['FAILED', 'failure'],
    ['succeeded', 'success'],
    ['/Failure', 'failure'],
  ])('cef – normalises the outcome %j to %j', (outcome, expected) => {
    expect(parse(`CEF:0|a|b|1|2|n|3|outcome=${outcome}`).event.outcome).toBe(expected);
  });

  it('cef – leaves values that do not fit a typed ECS field out of it but keeps them as extensions', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|src=not-an-ip dst=300.1.1.1 spt=70000 dpt=-1 smac=zz:zz in=many outcome=blocked severity=x');
    expect(event).not.toHaveProperty('source');
    expect(event).not.toHaveProperty('destination');
    expect(event.event).not.toHaveProperty('outcome');
    expect(extensionsOf(event)).toMatchObject({ src: 'not-an-ip', dst: '300.1.1.1', spt: '70000', smac: 'zz:zz', in: 'many', outcome: 'blocked' });
  });

  it('cef – names labels from their label extension in either order, replacing dots and spaces', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|cn1=42 cs4=x cn1Label=Risk score cs6Label=no.value cfp1Label=ratio.v2 cfp1=0.5 cs5Label=__proto__ cs5=evil');
    expect(event.labels).toEqual({ Risk_score: '42', ratio_v2: '0.5' });
  });
});

describe('cef – timestamps', () => {
  const at = (rt: string, config: Partial<ParserConfig> = {}) => parseWith(config, `CEF:0|a|b|1|2|n|3|rt=${rt} src=10.0.0.1`)['@timestamp'];

  it.each([
    ['1700000000123', '2023-11-14T22:13:20.123Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['Nov 14 2023 22:13:20', '2023-11-14T22:13:20.000Z'],
    ['Nov 14 2023 22:13:20.456', '2023-11-14T22:13:20.456Z'],
    ['Nov 14 2023 22:13:20 UTC', '2023-11-14T22:13:20.000Z'],
    ['Nov 14 2023 22:13:20.456 +0100', '2023-11-14T21:13:20.456Z'],
    ['Nov 14 2023 22:13:20 GMT-05:00', '2023-11-15T03:13:20.000Z'],
    ['Nov 14 2023 22:13:20 EST', '2023-11-15T03:13:20.000Z'],
    ['Jul 14 2023 22:13:20 Europe/Berlin', '2023-07-14T20:13:20.000Z'],
    ['Nov  4 2023 22:13:20', '2023-11-04T22:13:20.000Z'],
    ['2023-11-14T22:13:20.5+01:00', '2023-11-14T21:13:20.500Z'],
  ])('cef – reads rt=%s as %s', (rt, expected) => {
    expect(at(rt)).toBe(expected);
  });

  it('cef – reads a zone-less time in the configured timezone', () => {
    expect(at('Jul 14 2023 22:13:20', { timezone: 'Europe/Berlin' })).toBe('2023-07-14T20:13:20.000Z');
  });

  it('cef – gives a time without a year the year of now, or the year before when it would lie in the future', () => {
    expect(at('Nov 20 08:00:00')).toBe('2026-11-20T08:00:00.000Z');
    expect(at('Dec 31 23:00:00')).toBe('2025-12-31T23:00:00.000Z');
  });

  it('cef – keeps the receive time when rt cannot be read, with rt kept as an extension', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|rt=Smarch 99 2023 99:99:99 src=10.0.0.1');
    expect(event['@timestamp']).toBe(RECEIVED);
    expect(extensionsOf(event).rt).toBe('Smarch 99 2023 99:99:99');
    expect(parse('CEF:0|a|b|1|2|n|3|rt=99999999999999999')['@timestamp']).toBe(RECEIVED);
  });

  it('cef – sets event.start and event.end, and falls back to end for @timestamp when rt is missing', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|start=1700000000000 end=1700000060000');
    expect(event.event).toMatchObject({ start: '2023-11-14T22:13:20.000Z', end: '2023-11-14T22:14:20.000Z' });
    expect(event['@timestamp']).toBe('2023-11-14T22:14:20.000Z');
  });
});

describe('cef – optional parts missing', () => {
  it('cef – accepts empty header fields and no extension at all', () => {
    const line = 'CEF:0||||||5|';
    expect(parse(line)).toMatchObject({
      '@timestamp': RECEIVED,
      message: line,
      event: { kind: 'event', severity: 5 },
      observer: {},
      cef: { version: '0', device: {}, extensions: {} },
    });
    expect(parse(line).cef).not.toHaveProperty('name');
  });

  it('cef – uses msg for message over the name, and the name when there is no msg', () => {
    expect(parse('CEF:0|a|b|1|2|the name|3|msg=the message').message).toBe('the message');
    expect(parse('CEF:0|a|b|1|2|the name|3|src=10.0.0.1').message).toBe('the name');
  });

  it('cef – accepts CEF version 1 and a space after the marker', () => {
    expect(parse('CEF:1|a|b|1|2|n|3|src=::1').cef).toMatchObject({ version: '1' });
    expect(parse('CEF: 0|a|b|1|2|n|3|').cef).toMatchObject({ version: '0' });
  });

  it('cef – ignores text before the first key of the extension', () => {
    expect(extensionsOf(parse('CEF:0|a|b|1|2|n|3|garbage words src=10.0.0.1'))).toEqual({ src: '10.0.0.1' });
  });
});

describe('cef – bad and truncated input', () => {
  it.each([
    ['CEF:0|Vendor|Product', 2],
    ['CEF:0|Vendor|Product|1.0|100|name|10', 6],
    ['CEF:0', 0],
  ])('cef – answers SIEM_PARSE_BAD_CEF_HEADER for the truncated header %j, counting its separators', (line, found) => {
    expect(errorOf(line)).toEqual({
      code: 'SIEM_PARSE_BAD_CEF_HEADER',
      parser: 'cef',
      retryable: false,
      message: expect.stringContaining(`has ${found} of its 7 "|" separators`),
    });
  });

  it('cef – answers SIEM_PARSE_BAD_CEF_HEADER for a version that is not a number', () => {
    expect(errorOf('CEF:zero|a|b|1|2|n|3|src=10.0.0.1')).toMatchObject({ code: 'SIEM_PARSE_BAD_CEF_HEADER', message: expect.stringContaining('"zero"') });
  });

  it('cef – answers SIEM_PARSE_NO_MATCH for a line without a CEF marker, or one that only mentions CEF', () => {
    expect(errorOf('<13>Sep 19 08:26:10 host app: hello')).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH', parser: 'cef' });
    expect(errorOf('the CEF: exporter is disabled')).toMatchObject({ code: 'SIEM_PARSE_NO_MATCH' });
  });

  it('cef – keeps a trailing backslash and an extension cut off after its key', () => {
    expect(extensionsOf(parse('CEF:0|a|b|1|2|n|3|src=10.0.0.1 msg=abc\\'))).toEqual({ src: '10.0.0.1', msg: 'abc\\' });
    expect(extensionsOf(parse('CEF:0|a|b|1|2|n|3|src=10.0.0.1 msg='))).toEqual({ src: '10.0.0.1', msg: '' });
  });
});

describe('cef – non-ASCII and hostile input', () => {
  it('cef – keeps UTF-8 in header fields, keys and values', () => {
    const event = parse('CEF:0|Ünïcode AG|Prödukt|1.0|100|Anmeldung für Jürgen|5|suser=jürgen msg=Grüße 🌍 aus Köln schlüssel=wert 日本=東京');
    expect(event.observer).toMatchObject({ vendor: 'Ünïcode AG', product: 'Prödukt' });
    expect(event.source).toEqual({ user: { name: 'jürgen' } });
    expect(event.message).toBe('Grüße 🌍 aus Köln');
    expect(extensionsOf(event)).toMatchObject({ schlüssel: 'wert', 日本: '東京' });
  });

  it('cef – drops prototype-reaching keys without touching Object.prototype', () => {
    const event = parse('CEF:0|a|b|1|2|n|3|__proto__=polluted constructor=x prototype=y src=10.0.0.1');
    expect(Object.keys(extensionsOf(event))).toEqual(['src']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('cef – reads a 1 MiB value and ten thousand pairs', () => {
    const big = 'x'.repeat(1024 * 1024);
    const config = { maxMessageBytes: 4 * 1024 * 1024 };
    expect(parseWith(config, `CEF:0|a|b|1|2|n|3|msg=${big} src=10.0.0.1`).message).toHaveLength(big.length);
    const pairs = Array.from({ length: 10_000 }, (_, index) => `k${index}=v ${index}`).join(' ');
    const extensions = extensionsOf(parseWith(config, `CEF:0|a|b|1|2|n|3|${pairs}`));
    expect(Object.keys(extensions)).toHaveLength(10_000);
    expect(extensions.k9999).toBe('v 9999');
  });

  it('cef – reads lines built to make a scanner backtrack: long key runs, equals signs and backslashes', () => {
    const config = { maxMessageBytes: 4 * 1024 * 1024 };
    const keyRun = 'k'.repeat(1024 * 1024);
    expect(Object.keys(extensionsOf(parseWith(config, `CEF:0|a|b|1|2|n|3|${keyRun}=1`)))).toHaveLength(1);
    expect(extensionsOf(parseWith(config, `CEF:0|a|b|1|2|n|3|a=${'='.repeat(500_000)}`)).a).toHaveLength(500_000);
    expect(extensionsOf(parseWith(config, `CEF:0|a|b|1|2|n|3|a=${'b=c'.repeat(300_000)}`)).a).toHaveLength(900_000);
    expect(extensionsOf(parseWith(config, `CEF:0|a|b|1|2|n|3|a=${'\\='.repeat(500_000)}`)).a).toHaveLength(500_000);
    expect(parseWith(config, `CEF:0|${'\\|'.repeat(300_000)}|b|1|2|n|3|`).observer).toMatchObject({ vendor: '|'.repeat(300_000) });
    expect(errorOf(`CEF:0${' CEF:0'.repeat(200_000)}`, config)).toMatchObject({ code: 'SIEM_PARSE_BAD_CEF_HEADER' });
  });
});

describe('cef – as a body parser', () => {
  it('cef – parses a body handed over by a syslog parser, without the outer event fields', () => {
    const { parseBody, dataset } = compileBodyParser(cefBody, createParserContext({ now: () => NOW }));
    const fields = parseBody('CEF:0|Security|threatmanager|1.0|100|stopped|10|src=10.0.0.1 rt=1700000000123');
    expect(dataset).toBe('cef');
    expect(fields).toMatchObject({ '@timestamp': 1700000000123, source: { ip: '10.0.0.1' }, cef: { name: 'stopped' } });
    expect(fields).not.toHaveProperty('host');
    expect(parseBody('just a syslog message')).toBeUndefined();
    expect(isParseError(parseBody('CEF:0|Security'))).toBe(true);
  });
});
