/**
 * Which parser runs is chosen per input: records carry the name of the
 * collector input that received them (syslog_udp, http_ndjson, mqtt, file...),
 * and each input name maps to a parser type and its options. Inputs not named
 * use the default route (`auto` unless configured otherwise).
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { RawRecord } from '@siem/schema';
import { ParserSetupError } from './errors';
import { parserRegistry, type ParserRegistry } from './registry';
import type { Parser, ParserConfig, ParseResult } from './types';

export const ParserRouteSchema = Type.Object(
  {
    parser: Type.String({ minLength: 1, description: 'Parser type, e.g. syslog, json, cef, grok.' }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Options of that parser type.' })),
  },
  { additionalProperties: false },
);

/** The parsers file: input name → route; the key `*` is the default route. */
export const ParserRoutesFileSchema = Type.Record(Type.String({ minLength: 1 }), ParserRouteSchema);

export type ParserRoute = Static<typeof ParserRouteSchema>;
export type ParserRoutes = Record<string, ParserRoute>;

export const DEFAULT_ROUTE_KEY = '*';

/** Reads `input=type` pairs, as in SIEM_PARSERS=syslog_udp=syslog,http_ndjson=json. */
export function parseRoutePairs(pairs: readonly string[]): ParserRoutes {
  const routes: ParserRoutes = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    const input = pair.slice(0, separator).trim();
    const parser = pair.slice(separator + 1).trim();
    if (separator < 1 || parser === '') {
      throw new ParserSetupError(
        'SIEM_PARSE_INVALID_CONFIG',
        `"${pair}" is not an input=parser pair; write for example syslog_udp=syslog (use * for every other input).`,
      );
    }
    routes[input] = { parser };
  }
  return routes;
}

/** Reads and validates a parsers file (JSON); errors name the file and the bad entry. */
export function loadParserRoutesFile(path: string): ParserRoutes {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ParserSetupError('SIEM_PARSE_INVALID_CONFIG', `The parsers file ${path} could not be read as JSON (${(error as Error).message}); fix or remove SIEM_PARSERS_FILE.`, { cause: error });
  }
  const firstError = Value.Errors(ParserRoutesFileSchema, value).First();
  if (firstError !== undefined) {
    throw new ParserSetupError(
      'SIEM_PARSE_INVALID_CONFIG',
      `The parsers file ${path} is invalid at ${firstError.path || 'the top'}: ${firstError.message}. Each entry is "<input>": {"parser": "<type>", "options": {...}}.`,
    );
  }
  return value as ParserRoutes;
}

/**
 * A parser that hands each record to the parser of its input. Every route is
 * created at start, so an unknown type or a bad option stops the processor
 * before it consumes anything.
 */
export function createInputRouter(
  routes: ParserRoutes,
  base: Partial<Omit<ParserConfig, 'options'>>,
  registry: ParserRegistry = parserRegistry,
): Parser {
  const create = (route: ParserRoute) => registry.create(route.parser, { ...base, options: route.options ?? {} });
  const fallback = create(routes[DEFAULT_ROUTE_KEY] ?? { parser: 'auto' });
  const byInput = new Map<string, Parser>();
  for (const [input, route] of Object.entries(routes)) {
    if (input !== DEFAULT_ROUTE_KEY) byInput.set(input, create(route));
  }
  return {
    type: 'input_router',
    parse(record: RawRecord): ParseResult {
      return (byInput.get(record.input) ?? fallback).parse(record);
    },
  };
}
