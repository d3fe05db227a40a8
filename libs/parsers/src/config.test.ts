import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSER_CONFIG, resolveParserConfig } from './config';
import { ParserSetupError } from './errors';
import type { ParserConfig } from './types';

function setupError(input: unknown): ParserSetupError | undefined {
  try {
    resolveParserConfig(input as Partial<ParserConfig>);
    return undefined;
  } catch (error) {
    return error as ParserSetupError;
  }
}

describe('resolveParserConfig', () => {
  it('resolveParserConfig – applies the defaults: 64 KiB, UTC, keep the original', () => {
    expect(resolveParserConfig()).toEqual({ maxMessageBytes: 65_536, timezone: 'UTC', keepOriginal: true, options: {} });
    expect(resolveParserConfig({})).toEqual(DEFAULT_PARSER_CONFIG);
  });

  it('resolveParserConfig – returns a frozen object', () => {
    expect(Object.isFrozen(resolveParserConfig({ timezone: 'Europe/Berlin' }))).toBe(true);
  });

  it('resolveParserConfig – fails at start on a typo in a key, naming the key', () => {
    const error = setupError({ timeZone: 'UTC' });
    expect(error).toBeInstanceOf(ParserSetupError);
    expect(error).toMatchObject({ code: 'SIEM_PARSE_INVALID_CONFIG', retryable: false, message: expect.stringContaining('"timeZone"') });
  });

  it.each([
    ['an unknown timezone', { timezone: 'Mars/Olympus_Mons' }],
    ['a UTC offset instead of a zone name', { timezone: '+02:00x' }],
    ['a zero size limit', { maxMessageBytes: 0 }],
    ['a fractional size limit', { maxMessageBytes: 1.5 }],
    ['a string size limit', { maxMessageBytes: '64k' }],
    ['a string for keepOriginal', { keepOriginal: 'yes' }],
    ['a clock that is not a function', { now: 'now' }],
    ['null instead of an object', null],
  ])('resolveParserConfig – fails at start on %s', (_, input) => {
    expect(setupError(input)).toMatchObject({ code: 'SIEM_PARSE_INVALID_CONFIG' });
  });
});
