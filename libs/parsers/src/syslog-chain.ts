/**
 * After a syslog header, the message body goes on to the parser of its payload
 * (a CEF or LEEF record carried in syslog) or of its program (sshd, sudo,
 * kernel netfilter lines, auditd), so the event carries both the syslog fields
 * and the body's. A body the next parser does not recognise leaves the syslog
 * event as it is; a body that claims a format but is broken is tagged
 * `<format>_parse_failure` with the reason in `error.*`, and still indexed.
 */
import type { EcsEvent } from '@siem/schema';
import { applyBodyFields, compileBodyParser, isParseError, type BodyParser, type CompiledBodyParser } from './body-format';
import { auditdBodyParser } from './auditd';
import { cefBody } from './cef';
import type { ParserContext } from './context';
import { iptablesBodyParser } from './iptables';
import { leefBody } from './leef';
import { linuxAuthBodyParser } from './linux-auth';

interface ChainLink {
  /** Bodies starting with this text go to the parser, whatever the program. */
  readonly bodyPrefix?: string;
  /** Programs (syslog APP-NAME / TAG) whose bodies go to the parser. */
  readonly programs?: readonly string[];
  readonly bodyParser: BodyParser<Record<string, never>>;
}

/** Built on first use: the body parsers' modules import syslog helpers, so a table at load time would be circular. */
function chainLinks(): readonly ChainLink[] {
  return [
    { bodyPrefix: 'CEF:', bodyParser: cefBody },
    { bodyPrefix: 'LEEF:', bodyParser: leefBody },
    { bodyPrefix: 'type=', programs: ['audit', 'auditd', 'audispd'], bodyParser: auditdBodyParser },
    {
      programs: ['sshd', 'sshd-session', 'sudo', 'su', 'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'passwd', 'chpasswd', 'unix_chkpwd'],
      bodyParser: linuxAuthBodyParser,
    },
    { programs: ['kernel'], bodyParser: iptablesBodyParser },
  ];
}

interface CompiledChain {
  readonly byPrefix: readonly { prefix: string; parser: CompiledBodyParser }[];
  readonly byProgram: ReadonlyMap<string, CompiledBodyParser>;
}

const compiledChains = new WeakMap<ParserContext, CompiledChain>();

function compiledChain(context: ParserContext): CompiledChain {
  let chain = compiledChains.get(context);
  if (chain === undefined) {
    const byPrefix: { prefix: string; parser: CompiledBodyParser }[] = [];
    const byProgram = new Map<string, CompiledBodyParser>();
    for (const link of chainLinks()) {
      const parser = compileBodyParser(link.bodyParser, context);
      if (link.bodyPrefix !== undefined) byPrefix.push({ prefix: link.bodyPrefix, parser });
      for (const program of link.programs ?? []) byProgram.set(program, parser);
    }
    chain = { byPrefix, byProgram };
    compiledChains.set(context, chain);
  }
  return chain;
}

function bodyParserFor(chain: CompiledChain, program: string | undefined, body: string): CompiledBodyParser | undefined {
  for (const { prefix, parser } of chain.byPrefix) if (body.startsWith(prefix)) return parser;
  return program === undefined ? undefined : chain.byProgram.get(program);
}

/** Hands the syslog message body to the parser of its payload or program, and merges what it finds. */
export function chainSyslogBody(event: EcsEvent, program: string | undefined, context: ParserContext): EcsEvent {
  const body = event.message;
  if (body === undefined) return event;
  const parser = bodyParserFor(compiledChain(context), program, body);
  if (parser === undefined) return event;
  const fields = parser.parseBody(body);
  if (fields === undefined) return event;
  if (isParseError(fields)) {
    const tags = Array.isArray(event.tags) ? (event.tags as string[]) : [];
    event.tags = [...tags, `${parser.dataset}_parse_failure`];
    event.error = { code: fields.code, message: fields.message };
    return event;
  }
  return applyBodyFields(event, fields, parser.dataset);
}
