export { createParser, createParserRegistry, parserRegistry, PARSER_DEFINITIONS } from './registry';
export type { ParserRegistry } from './registry';
export { DEFAULT_PARSER_CONFIG, resolveParserConfig } from './config';
export { PARSE_ERROR_CODES, PARSER_SETUP_ERROR_CODES, ParserSetupError } from './errors';
export type { ParseError, ParseErrorCode, ParserSetupErrorCode } from './errors';
export type { Parser, ParserConfig, ParserDefinition, ParseResult } from './types';
export { syslogRfc5424Parser } from './syslog-rfc5424';
export { syslogRfc3164Parser } from './syslog-rfc3164';
export { syslogParser } from './syslog';
export { jsonParser, ECS_TOP_LEVEL_FIELDS, DEFAULT_JSON_NAMESPACE, JsonOptionsSchema } from './json';
export { windowsParser } from './windows';
export { cloudTrailParser } from './cloudtrail';
export { grokParser, grokBodyParser, compileGrokPattern, GrokOptionsSchema } from './grok';
export { GROK_PATTERNS } from './grok-patterns';
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
export { apacheAccessBodyParser, nginxAccessBodyParser, AccessLogOptions } from './access-log';
export { apacheErrorBodyParser, nginxErrorBodyParser } from './web-error-log';
export { linuxAuthBodyParser } from './linux-auth';
export { auditdBodyParser } from './auditd';
export { iptablesBodyParser } from './iptables';
export { sysmonLinuxBodyParser, SYSMON_LINUX } from './sysmon-linux';
export { cefBody } from './cef';
export { leefBody } from './leef';
export { kvBody, KvOptions } from './kv';
export { renderParserCatalog } from './catalog';
