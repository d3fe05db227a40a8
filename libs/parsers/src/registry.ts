/**
 * The one table of parser types. Adding a parser means adding its definition
 * here; nothing registers itself on import.
 */
import { apacheAccessParser, nginxAccessParser } from './access-log';
import { auditdParser } from './auditd';
import { autoParser } from './auto';
import { cefParser } from './cef';
import { kvParser } from './kv';
import { leefParser } from './leef';
import { cloudTrailParser } from './cloudtrail';
import { grokParser } from './grok';
import { iptablesParser } from './iptables';
import { linuxAuthParser } from './linux-auth';
import { sysmonLinuxParser } from './sysmon-linux';
import { ciscoAsaParser } from './network/cisco-asa';
import { fortigateParser } from './network/fortigate';
import { panosParser } from './network/panos';
import { pfsenseParser } from './network/pfsense';
import { junosSrxParser } from './network/junos-srx';
import { checkpointParser } from './network/checkpoint';
import { ciscoIosParser } from './network/cisco-ios';
import { sonicwallParser } from './network/sonicwall';
import { sophosXgParser } from './network/sophos-xg';
import { postfixParser } from './mail/postfix';
import { snareParser } from './windows-text/snare';
import { kernelAuditParser } from './linux/kernel-audit';
import { squidParser } from './web/squid';
import { iisParser } from './web/iis';
import { dovecotParser } from './mail/dovecot';
import { bindParser } from './server/bind';
import { vsftpdParser } from './server/vsftpd';
import { proftpdParser } from './server/proftpd';
import { apacheErrorParser, nginxErrorParser } from './web-error-log';
import { Type } from '@sinclair/typebox';
import { ParserSetupError } from './errors';
import { jsonParser } from './json';
import { windowsParser } from './windows';
import { syslogParser } from './syslog';
import { syslogRfc3164Parser } from './syslog-rfc3164';
import { syslogRfc5424Parser } from './syslog-rfc5424';
import { resolveParserOptions } from './options';
import { fillRelated } from './related';
import type { Parser, ParserConfig, ParserDefinition } from './types';

const NO_OPTIONS = Type.Object({}, { additionalProperties: false });

export const PARSER_DEFINITIONS: readonly ParserDefinition[] = [
  syslogRfc5424Parser,
  syslogRfc3164Parser,
  syslogParser,
  jsonParser,
  windowsParser,
  cloudTrailParser,
  grokParser,
  autoParser,
  cefParser,
  leefParser,
  kvParser,
  apacheAccessParser,
  nginxAccessParser,
  apacheErrorParser,
  nginxErrorParser,
  linuxAuthParser,
  auditdParser,
  iptablesParser,
  sysmonLinuxParser,
  ciscoAsaParser,
  fortigateParser,
  panosParser,
  pfsenseParser,
  junosSrxParser,
  checkpointParser,
  ciscoIosParser,
  sonicwallParser,
  sophosXgParser,
  postfixParser,
  dovecotParser,
  bindParser,
  vsftpdParser,
  proftpdParser,
  squidParser,
  iisParser,
  kernelAuditParser,
  snareParser,
];

export interface ParserRegistry {
  /** Registered type names, in table order. */
  readonly types: readonly string[];
  get(type: string): ParserDefinition | undefined;
  /** Creates a parser runtime; throws ParserSetupError on an unknown type or a bad configuration. */
  create(type: string, config?: Partial<ParserConfig>): Parser;
}

const TYPE_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Builds a registry; throws ParserSetupError at start on a duplicate or malformed type name. */
export function createParserRegistry(definitions: readonly ParserDefinition[]): ParserRegistry {
  const byType = new Map<string, ParserDefinition>();
  for (const definition of definitions) {
    if (!TYPE_NAME.test(definition.type)) {
      throw new ParserSetupError(
        'SIEM_PARSE_INVALID_CONFIG',
        `Parser type "${definition.type}" is not lower_snake_case; rename it, for example "syslog_rfc5424".`,
      );
    }
    if (byType.has(definition.type)) {
      throw new ParserSetupError(
        'SIEM_PARSE_DUPLICATE_PARSER',
        `Parser type "${definition.type}" is defined twice; remove or rename one of the definitions.`,
      );
    }
    byType.set(definition.type, definition);
  }
  const types = Object.freeze([...byType.keys()]);
  return Object.freeze({
    types,
    get: (type: string) => byType.get(type),
    create(type: string, config?: Partial<ParserConfig>): Parser {
      const definition = byType.get(type);
      if (definition === undefined) {
        throw new ParserSetupError(
          'SIEM_PARSE_UNKNOWN_PARSER',
          `Unknown parser type "${type}"; use one of ${types.join(', ')}.`,
        );
      }
      // Options are checked here for every type, so a type that takes none still refuses a misspelt one.
      const options = resolveParserOptions(type, definition.optionsSchema ?? NO_OPTIONS, config?.options ?? {});
      return withRelatedFields(definition.create({ ...config, options }));
    },
  });
}

/** Every parser made by a registry fills `related.*` from what it parsed (see related.ts). */
function withRelatedFields(parser: Parser): Parser {
  return {
    type: parser.type,
    parse(record) {
      const result = parser.parse(record);
      if (result.ok) fillRelated(result.event);
      return result;
    },
  };
}

export const parserRegistry: ParserRegistry = createParserRegistry(PARSER_DEFINITIONS);

/** Creates a parser of a registered type, with defaults for any configuration left out. */
export function createParser(type: string, config?: Partial<ParserConfig>): Parser {
  return parserRegistry.create(type, config);
}
