import { Type, type Static } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineBodyFormat, mergeEcsFields, type BodyParser } from './body-format';
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
