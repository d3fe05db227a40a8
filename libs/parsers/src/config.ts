import { ParserSetupError } from './errors';
import type { ParserConfig } from './types';

export const DEFAULT_PARSER_CONFIG: Readonly<ParserConfig> = Object.freeze({
  maxMessageBytes: 65_536,
  timezone: 'UTC',
  keepOriginal: true,
  options: Object.freeze({}),
});

const KNOWN_KEYS: ReadonlySet<string> = new Set(['maxMessageBytes', 'timezone', 'keepOriginal', 'now', 'options']);

function invalid(message: string): ParserSetupError {
  return new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', message);
}

/** Applies defaults, rejects unknown keys and bad values, and freezes the result. */
export function resolveParserConfig(input: Partial<ParserConfig> = {}): Readonly<ParserConfig> {
  if (input === null || typeof input !== 'object') {
    throw invalid('The parser configuration must be an object; pass {} to use the defaults.');
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) {
      throw invalid(
        `Unknown parser configuration key "${key}"; the known keys are ${[...KNOWN_KEYS].join(', ')}.`,
      );
    }
  }
  const config: ParserConfig = { ...DEFAULT_PARSER_CONFIG };
  if (input.maxMessageBytes !== undefined) {
    if (!Number.isSafeInteger(input.maxMessageBytes) || input.maxMessageBytes < 1) {
      throw invalid(
        `Parser configuration "maxMessageBytes" must be a positive integer; got ${String(input.maxMessageBytes)}.`,
      );
    }
    config.maxMessageBytes = input.maxMessageBytes;
  }
  if (input.timezone !== undefined) {
    if (typeof input.timezone !== 'string' || !isKnownTimeZone(input.timezone)) {
      throw invalid(
        `Parser configuration "timezone" must be an IANA zone name such as "UTC" or "Europe/Berlin"; got ${JSON.stringify(input.timezone)}.`,
      );
    }
    config.timezone = input.timezone;
  }
  if (input.keepOriginal !== undefined) {
    if (typeof input.keepOriginal !== 'boolean') {
      throw invalid(`Parser configuration "keepOriginal" must be true or false; got ${String(input.keepOriginal)}.`);
    }
    config.keepOriginal = input.keepOriginal;
  }
  if (input.now !== undefined) {
    if (typeof input.now !== 'function') {
      throw invalid('Parser configuration "now" must be a function returning a Date.');
    }
    config.now = input.now;
  }
  if (input.options !== undefined) {
    if (input.options === null || typeof input.options !== 'object' || Array.isArray(input.options)) {
      throw invalid('Parser configuration "options" must be an object of the options of that parser type.');
    }
    config.options = input.options;
  }
  return Object.freeze(config);
}

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
