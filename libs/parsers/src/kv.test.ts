import type { EcsEvent, RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { compileBodyParser } from './body-format';
import { createParserContext } from './context';
import { ParserSetupError } from './errors';
import { kvBody, kvParser } from './kv';
import type { ParserConfig } from './types';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const RECEIVED = '2026-11-23T11:59:59.000Z';

function record(line: string): RawRecord {
  return { payload: Buffer.from(line), receivedAt: RECEIVED, sourceAddress: '192.0.2.10', input: 'syslog_udp' };
}

function parseWith(config: Partial<ParserConfig>, line: string): EcsEvent {
  const result = kvParser.create({ now: () => NOW, ...config }).parse(record(line));
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

/** The pairs under the default namespace. */
const pairs = (line: string, options: Record<string, unknown> = {}) => parseWith({ options }, line).kv;

describe('kv – default syntax', () => {
  it('kv – puts every pair under kv as a string and keeps the line as the message', () => {
    const line = 'date=2019-05-10 time=11:50:48 devname="FG 100" devid=FG100E logid="0000000013" srcport=52224 action=deny';
    expect(parseWith({}, line)).toEqual({
      '@timestamp': RECEIVED,
      message: line,
      event: { dataset: 'kv', ingested: NOW.toISOString(), original: line },
      kv: { date: '2019-05-10', time: '11:50:48', devname: 'FG 100', devid: 'FG100E', logid: '0000000013', srcport: '52224', action: 'deny' },
      log: { source: { address: '192.0.2.10' } },
      host: { name: '192.0.2.10' },
    });
  });

  it('kv – reads single and double quotes with backslash escapes', () => {
    expect(pairs(`a="say \\"hi\\"" b='it\\'s' c="tab\\there\\nnext" d="C:\\Users\\x" e="back\\\\slash"`)).toEqual({
      a: 'say "hi"',
      b: "it's",
      c: 'tab\there\nnext',
      d: 'C:\\Users\\x',
      e: 'back\\slash',
    });
  });

  it('kv – splits on any run of spaces and tabs, skips words without an assignment and keeps equals signs in values', () => {
    expect(pairs('  hello a=1\t\tb=x=y   world url=http://h/?q=1&r=2 ')).toEqual({ a: '1', b: 'x=y', url: 'http://h/?q=1&r=2' });
  });

  it('kv – keeps empty values, skips empty keys and lets a repeated key keep its last value', () => {
    expect(pairs('a= =b c="" a=2')).toEqual({ a: '2', c: '' });
  });

  it('kv – joins text right after a closing quote to the quoted value', () => {
    expect(pairs('a="x y"z b=1')).toEqual({ a: 'x yz', b: '1' });
  });

  it('kv – answers SIEM_PARSE_NO_MATCH when the line has no pair at all', () => {
    const result = kvParser.create().parse(record('just words, no pairs = here'));
    expect(result).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH', parser: 'kv' } });
  });
});

describe('kv – options', () => {
  it('kv – uses the configured separator and assignment, trimming the blanks around keys and values', () => {
    expect(pairs('user: alice , role : admin,  note: "a, b" ,flag:', { separator: ',', assignment: ':' })).toEqual({
      user: 'alice',
      role: 'admin',
      note: 'a, b',
      flag: '',
    });
  });

  it('kv – accepts separators and assignments of several characters', () => {
    expect(pairs('a:=1;;b:=two words;;c:=3', { separator: ';;', assignment: ':=' })).toEqual({ a: '1', b: 'two words', c: '3' });
  });

  it('kv – puts the pairs under a dotted namespace', () => {
    const event = parseWith({ options: { namespace: 'fortinet.firewall' } }, 'action=deny srcip=10.0.0.1');
    expect(event.fortinet).toEqual({ firewall: { action: 'deny', srcip: '10.0.0.1' } });
    expect(event).not.toHaveProperty('kv');
  });

  it.each([
    [{ separatr: ',' }, 'separatr'],
    [{ separator: '' }, 'option "separator"'],
    [{ namespace: 'a..b' }, 'option "namespace"'],
    [{ namespace: 'a.__proto__' }, '"__proto__"'],
    [{ separator: '=' }, 'overlap'],
    [{ separator: ',', assignment: ', ' }, 'overlap'],
    [{ assignment: ' = ' }, 'overlap'],
  ])('kv – refuses the options %j at start', (options, text) => {
    expect(() => kvParser.create({ options })).toThrow(ParserSetupError);
    expect(() => kvParser.create({ options })).toThrow(text);
  });
});

describe('kv – hostile input', () => {
  it('kv – takes the rest of the line as the value of an unterminated quote', () => {
    expect(pairs('a=1 b="never closed c=3')).toEqual({ a: '1', b: 'never closed c=3' });
    expect(pairs("a='x\\")).toEqual({ a: 'x\\' });
  });

  it('kv – keeps UTF-8 keys and values', () => {
    expect(pairs('benutzer=jürgen 都市="東京 🌸" ключ=значение')).toEqual({ benutzer: 'jürgen', 都市: '東京 🌸', ключ: 'значение' });
  });

  it('kv – drops prototype-reaching keys without touching Object.prototype', () => {
    expect(pairs('__proto__=polluted constructor=x prototype=y ok=1')).toEqual({ ok: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const result = kvParser.create().parse(record('__proto__=only'));
    expect(result).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
  });

  it('kv – reads a 1 MiB value, ten thousand pairs and long runs without separators or assignments', () => {
    const config = { maxMessageBytes: 4 * 1024 * 1024 };
    const big = 'z'.repeat(1024 * 1024);
    expect((parseWith(config, `a="${big}" b=1`).kv as Record<string, string>).a).toHaveLength(big.length);
    const many = Array.from({ length: 10_000 }, (_, index) => `k${index}=v${index}`).join(' ');
    expect(Object.keys(parseWith(config, many).kv as object)).toHaveLength(10_000);
    expect(parseWith(config, `${'w '.repeat(500_000)}last=1`).kv).toEqual({ last: '1' });
    expect((parseWith(config, `a=${'='.repeat(1_000_000)}`).kv as Record<string, string>).a).toHaveLength(1_000_000);
    const quotes = `a="${'\\"'.repeat(300_000)}`;
    expect((parseWith(config, quotes).kv as Record<string, string>).a).toHaveLength(300_000);
  });
});

describe('kv – as a body parser', () => {
  it('kv – parses a body handed over by a syslog parser with its options', () => {
    const { parseBody } = compileBodyParser(kvBody, createParserContext(), { separator: '|', namespace: 'app' });
    expect(parseBody('a=1|b=2')).toEqual({ app: { a: '1', b: '2' } });
    expect(parseBody('no pairs')).toBeUndefined();
  });
});
