/**
 * After a syslog header, the message body goes on to the parser of its payload
 * (a CEF or LEEF record carried in syslog) or of its program (sshd, sudo,
 * kernel netfilter lines, auditd, Sysmon for Linux), so the event carries both the syslog fields
 * and the body's. A body the next parser does not recognise leaves the syslog
 * event as it is; a body that claims a format but is broken is tagged
 * `<format>_parse_failure` with the reason in `error.*`, and still indexed.
 */
import type { EcsEvent } from '@siem/schema';
import { compileBodyParser, type BodyParser, type CompiledBodyParser } from './body-format';
import { auditdBodyParser } from './auditd';
import { cefBody } from './cef';
import type { ParserContext } from './context';
import { iptablesBodyParser } from './iptables';
import { leefBody } from './leef';
import { linuxAuthBodyParser } from './linux-auth';
import { EVENT_XML_PREFIX, sysmonLinuxBodyParser } from './sysmon-linux';
import { ciscoAsaBodyParser } from './network/cisco-asa';
import { fortigateBodyParser } from './network/fortigate';
import { panosBodyParser } from './network/panos';
import { pfsenseBodyParser } from './network/pfsense';
import { junosSrxBodyParser } from './network/junos-srx';
import { checkpointBodyParser } from './network/checkpoint';
import { ciscoIosBodyParser, looksLikeCiscoIos } from './network/cisco-ios';
import { sonicwallBodyParser } from './network/sonicwall';
import { sophosXgBodyParser } from './network/sophos-xg';
import { postfixBodyParser } from './mail/postfix';
import { snareBodyParser } from './windows-text/snare';
import { isKernelAuditRecord, kernelAuditBodyParser } from './linux/kernel-audit';
import { squidBodyParser } from './web/squid';
import { dovecotBodyParser } from './mail/dovecot';
import { bindBodyParser } from './server/bind';
import { vsftpdBodyParser } from './server/vsftpd';
import { proftpdBodyParser } from './server/proftpd';

interface ChainLink {
  /** Bodies starting with this text go to the parser, whatever the program. */
  readonly bodyPrefix?: string;
  /** Programs (syslog APP-NAME / TAG) whose bodies go to the parser. */
  readonly programs?: readonly string[];
  /** Program name prefixes (`postfix/` for `postfix/smtpd`, `postfix/submission/smtpd`, ...). */
  readonly programPrefixes?: readonly string[];
  /** Tried last, when neither a prefix nor the program chose a parser: a marker that sits after other text. */
  readonly matches?: (body: string) => boolean;
  /** With `programs`: the program chooses this parser only for bodies that pass; otherwise the program's next link. */
  readonly when?: (body: string) => boolean;
  readonly bodyParser: BodyParser<Record<string, never>>;
}

/** Built on first use: the body parsers' modules import syslog helpers, so a table at load time would be circular. */
function chainLinks(): readonly ChainLink[] {
  return [
    { bodyPrefix: 'CEF:', bodyParser: cefBody },
    { bodyPrefix: '%ASA-', bodyParser: ciscoAsaBodyParser },
    { bodyPrefix: '%FTD-', bodyParser: ciscoAsaBodyParser },
    // Any other %FAC-SEV-MNEMONIC code is Cisco IOS; IOS lines with a sequence number or a time stamp first are found by `matches`.
    { bodyPrefix: '%', matches: looksLikeCiscoIos, bodyParser: ciscoIosBodyParser },
    { bodyPrefix: 'id=firewall ', bodyParser: sonicwallBodyParser },
    { bodyPrefix: 'sn=', bodyParser: sonicwallBodyParser },
    { bodyPrefix: 'device="SFW"', bodyParser: sophosXgBodyParser },
    { bodyPrefix: 'device_name=', bodyParser: sophosXgBodyParser },
    { programs: ['CheckPoint', 'Checkpoint', 'checkpoint'], bodyParser: checkpointBodyParser },
    { bodyPrefix: 'date=', bodyParser: fortigateBodyParser },
    { bodyPrefix: 'logver=', bodyParser: fortigateBodyParser },
    // PAN-OS's first field is FUTURE_USE, written as 1.
    { bodyPrefix: '1,', bodyParser: panosBodyParser },
    { programs: ['filterlog'], bodyParser: pfsenseBodyParser },
    { programs: ['RT_FLOW'], bodyParser: junosSrxBodyParser },
    { bodyPrefix: 'LEEF:', bodyParser: leefBody },
    { bodyPrefix: 'type=', programs: ['audit', 'auditd', 'audispd'], bodyParser: auditdBodyParser },
    // PAM modules log under the program that called them (CRON, login, systemd-logind, ...), so their messages are known by their prefix.
    { bodyPrefix: 'pam_', bodyParser: linuxAuthBodyParser },
    {
      programs: ['sshd', 'sshd-session', 'sudo', 'su', 'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'passwd', 'chpasswd', 'unix_chkpwd'],
      bodyParser: linuxAuthBodyParser,
    },
    { bodyPrefix: 'MSWinEventLog\t', programs: ['MSWinEventLog'], bodyParser: snareBodyParser },
    { programs: ['kernel'], when: isKernelAuditRecord, bodyParser: kernelAuditBodyParser },
    { programs: ['kernel'], bodyParser: iptablesBodyParser },
    { programs: ['postfix'], programPrefixes: ['postfix/', 'postfix-'], bodyParser: postfixBodyParser },
    { programs: ['dovecot'], bodyParser: dovecotBodyParser },
    { programs: ['named', 'bind', 'named-pkcs11'], bodyParser: bindBodyParser },
    { programs: ['vsftpd'], bodyParser: vsftpdBodyParser },
    { programs: ['squid', '(squid-1)'], bodyParser: squidBodyParser },
    { programs: ['proftpd'], bodyParser: proftpdBodyParser },
    { bodyPrefix: EVENT_XML_PREFIX, programs: ['sysmon'], bodyParser: sysmonLinuxBodyParser },
  ];
}

interface CompiledChain {
  /** `initial` is the prefix's first character code, compared before the prefix itself: most bodies differ there. */
  readonly byPrefix: readonly { initial: number; prefix: string; parser: CompiledBodyParser }[];
  readonly byProgram: ReadonlyMap<string, CompiledBodyParser>;
  /** Program links with a `when` test, tried before `byProgram`. */
  readonly guardedByProgram: ReadonlyMap<string, readonly { when: (body: string) => boolean; parser: CompiledBodyParser }[]>;
  readonly byProgramPrefix: readonly { prefix: string; parser: CompiledBodyParser }[];
  readonly byTest: readonly { matches: (body: string) => boolean; parser: CompiledBodyParser }[];
}

const compiledChains = new WeakMap<ParserContext, CompiledChain>();

function compiledChain(context: ParserContext): CompiledChain {
  let chain = compiledChains.get(context);
  if (chain === undefined) {
    const byPrefix: { initial: number; prefix: string; parser: CompiledBodyParser }[] = [];
    const byProgram = new Map<string, CompiledBodyParser>();
    const guardedByProgram = new Map<string, { when: (body: string) => boolean; parser: CompiledBodyParser }[]>();
    const byProgramPrefix: { prefix: string; parser: CompiledBodyParser }[] = [];
    const byTest: { matches: (body: string) => boolean; parser: CompiledBodyParser }[] = [];
    for (const link of chainLinks()) {
      const parser = compileBodyParser(link.bodyParser, context);
      if (link.bodyPrefix !== undefined) byPrefix.push({ initial: link.bodyPrefix.charCodeAt(0), prefix: link.bodyPrefix, parser });
      const when = link.when;
      for (const program of link.programs ?? []) {
        if (when === undefined) byProgram.set(program, parser);
        else guardedByProgram.set(program, [...(guardedByProgram.get(program) ?? []), { when, parser }]);
      }
      for (const prefix of link.programPrefixes ?? []) byProgramPrefix.push({ prefix, parser });
      if (link.matches !== undefined) byTest.push({ matches: link.matches, parser });
    }
    chain = { byPrefix, byProgram, guardedByProgram, byProgramPrefix, byTest };
    compiledChains.set(context, chain);
  }
  return chain;
}

function bodyParserFor(chain: CompiledChain, program: string | undefined, body: string): CompiledBodyParser | undefined {
  const initial = body.charCodeAt(0);
  for (const link of chain.byPrefix) if (initial === link.initial && body.startsWith(link.prefix)) return link.parser;
  if (program !== undefined) {
    const guarded = chain.guardedByProgram.get(program);
    if (guarded !== undefined) for (const link of guarded) if (link.when(body)) return link.parser;
    const parser = chain.byProgram.get(program);
    if (parser !== undefined) return parser;
    for (const link of chain.byProgramPrefix) if (program.startsWith(link.prefix)) return link.parser;
  }
  for (const link of chain.byTest) if (link.matches(body)) return link.parser;
  return undefined;
}

/** Hands the syslog message body to the parser of its payload or program, which adds what it finds to the event. */
export function chainSyslogBody(event: EcsEvent, program: string | undefined, context: ParserContext): EcsEvent {
  let body = event.message;
  if (body === undefined) return event;
  const chain = compiledChain(context);
  let parser = bodyParserFor(chain, program, body);
  if (parser === undefined) {
    // Cisco devices put their message mnemonic where the TAG goes ("%ASA-6-302013: Built ..."): it is the body's marker, not a program.
    if (program?.charCodeAt(0) !== 0x25) return event;
    body = `${program}: ${body}`;
    parser = bodyParserFor(chain, undefined, body);
    if (parser === undefined) return event;
    delete event.process;
  }
  const result = parser.writeBody(body, event);
  if (result === true || result === undefined) return event;
  const tags = Array.isArray(event.tags) ? (event.tags as string[]) : [];
  event.tags = [...tags, `${parser.dataset}_parse_failure`];
  event.error = { code: result.code, message: result.message };
  return event;
}
