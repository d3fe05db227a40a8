import { Type, type Static } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '@siem/schema';
import { compileBodyParser, defineBodyFormat, mergeEcsFields, type BodyParser, type WritingBodyParser } from './body-format';
import { createParserContext } from './context';
import { parseError, ParserSetupError } from './errors';

const WordsOptions = Type.Object({ separator: Type.String({ minLength: 1, default: ' ' }) }, { additionalProperties: false });

/** A toy format: `WORDS a b c`, with `BROKEN` standing for a line that claims the format but is bad. */
const words: BodyParser<Static<typeof WordsOptions>> = {
  dataset: 'words',
  description: 'test format',
  optionsSchema: WordsOptions,
  compile(options) {
    return (body) => {
      if (body.startsWith('BROKEN')) return parseError('SIEM_PARSE_BAD_HEADER', 'words', 'broken words line');
      if (!body.startsWith('WORDS')) return undefined;
      return { '@timestamp': 0, labels: { words: body.split(options.separator).slice(1).join(',') } };
    };
  },
};

const record = (line: string) => ({ payload: Buffer.from(line), receivedAt: '2026-01-02T03:04:05.000Z', sourceAddress: '10.1.1.1', input: 'test' });

describe('defineBodyFormat', () => {
  const definition = defineBodyFormat(words);

  it('builds a standalone event with the format fields, the sender and the dataset', () => {
    const result = definition.create({ options: { separator: ';' } }).parse(record('WORDS;a;b'));
    expect(result).toMatchObject({
      ok: true,
      event: {
        '@timestamp': '1970-01-01T00:00:00.000Z',
        message: 'WORDS;a;b',
        labels: { words: 'a,b' },
        event: { dataset: 'words', original: 'WORDS;a;b' },
        host: { name: '10.1.1.1' },
      },
    });
  });

  it('answers SIEM_PARSE_NO_MATCH for a line of another format and passes the format error through', () => {
    const parser = definition.create();
    expect(parser.parse(record('hello'))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH', parser: 'words' } });
    expect(parser.parse(record('BROKEN'))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_BAD_HEADER' } });
  });

  it('rejects unknown or ill-typed options at start with the option name', () => {
    expect(() => definition.create({ options: { separatr: ';' } })).toThrow(ParserSetupError);
    expect(() => definition.create({ options: { separator: '' } })).toThrow(/option "separator"/);
  });
});

describe('mergeEcsFields', () => {
  it('merges objects, replaces scalars and arrays, and skips prototype keys', () => {
    const target: Record<string, unknown> = { event: { dataset: 'syslog', category: ['x'] }, message: 'a' };
    mergeEcsFields(target, JSON.parse('{"event":{"category":["authentication"],"outcome":"success"},"message":"b","__proto__":{"polluted":true}}'));
    expect(target).toEqual({ event: { dataset: 'syslog', category: ['authentication'], outcome: 'success' }, message: 'b' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** The toy format again, as a writer: `WORDS a b` writes labels and a host; `AT <time> ...` also writes `@timestamp`. */
const writtenWords: WritingBodyParser = {
  dataset: 'words',
  description: 'test format',
  compileWriter() {
    return (body, target) => {
      if (body.startsWith('BROKEN')) return parseError('SIEM_PARSE_BAD_HEADER', 'words', 'broken words line');
      const [first, ...rest] = body.split(' ');
      if (first === 'AT') target['@timestamp'] = /^\d+$/.test(rest[0] ?? '') ? Number(rest.shift()) : rest.shift();
      else if (first !== 'WORDS') return undefined;
      mergeEcsFields(target, { host: { hostname: 'from-body' }, labels: { words: rest.join(',') } });
      return true;
    };
  },
};

describe('writing body formats', () => {
  const compiled = compileBodyParser(writtenWords, createParserContext());
  const outer = (): EcsEvent => ({ '@timestamp': '2026-01-02T03:04:05.000Z', event: { dataset: 'syslog_rfc3164' }, host: { name: 'h' }, message: 'm' });

  it('writes into the outer event as a merge would: held objects merged, the dataset and a usable body time set', () => {
    const event = outer();
    expect(compiled.writeBody('WORDS a b', event)).toBe(true);
    expect(event).toEqual({ '@timestamp': '2026-01-02T03:04:05.000Z', event: { dataset: 'words' }, host: { name: 'h', hostname: 'from-body' }, message: 'm', labels: { words: 'a,b' } });
    const timed = outer();
    compiled.writeBody('AT 0 x', timed);
    expect(timed['@timestamp']).toBe('1970-01-01T00:00:00.000Z');
    const badTime = outer();
    compiled.writeBody('AT yesterday x', badTime);
    expect(badTime['@timestamp']).toBe('2026-01-02T03:04:05.000Z');
  });

  it('leaves the outer event untouched for a body of another format or a broken one', () => {
    for (const body of ['hello', 'BROKEN']) {
      const event = outer();
      const result = compiled.writeBody(body, event);
      expect(result === undefined || result === true ? result : result.code).toBe(body === 'hello' ? undefined : 'SIEM_PARSE_BAD_HEADER');
      expect(event).toEqual(outer());
    }
  });

  it('returns, as parseBody, the fields it would write, and builds the same standalone event as a fields format', () => {
    expect(compiled.parseBody('AT 5 a')).toEqual({ '@timestamp': 5, host: { hostname: 'from-body' }, labels: { words: 'a' } });
    const standalone = defineBodyFormat(writtenWords).create();
    expect(standalone.parse(record('WORDS a b'))).toMatchObject({ ok: true, event: { '@timestamp': '2026-01-02T03:04:05.000Z', host: { name: '10.1.1.1', hostname: 'from-body' }, labels: { words: 'a,b' }, event: { dataset: 'words' } } });
    expect(standalone.parse(record('AT 0 a'))).toMatchObject({ ok: true, event: { '@timestamp': '1970-01-01T00:00:00.000Z' } });
    expect(standalone.parse(record('hello'))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_NO_MATCH' } });
    expect(standalone.parse(record('BROKEN'))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_BAD_HEADER' } });
  });
});
