export { createParser, createParserRegistry, parserRegistry, PARSER_DEFINITIONS } from './registry';
export type { ParserRegistry } from './registry';
export { DEFAULT_PARSER_CONFIG, resolveParserConfig } from './config';
export { PARSE_ERROR_CODES, PARSER_SETUP_ERROR_CODES, ParserSetupError } from './errors';
export type { ParseError, ParseErrorCode, ParserSetupErrorCode } from './errors';
export type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';
export { syslogRfc5424Parser } from './syslog-rfc5424';
export { syslogRfc3164Parser } from './syslog-rfc3164';
export { syslogParser } from './syslog';
export { jsonParser } from './json';
export { autoParser } from './auto';
export { FACILITY_NAMES, SEVERITY_NAMES } from './syslog-common';
export {
  createInputRouter,
  loadParserRoutesFile,
  parseRoutePairs,
  DEFAULT_ROUTE_KEY,
  ParserRouteSchema,
  ParserRoutesFileSchema,
  type ParserRoute,
  type ParserRoutes,
} from './input-routes';
export { defineBodyFormat, compileBodyParser, applyBodyFields, mergeEcsFields, type BodyParser, type BodyParseResult, type EcsFields } from './body-format';
