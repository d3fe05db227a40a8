/**
 * A network device's format as a parser type of its own: devices send it in
 * syslog, so a line with a syslog header (with or without PRI) is read as
 * syslog and must carry the format in its body; a line without a header is
 * the body alone. Unlike the same format chained under `syslog` or `auto`,
 * where a broken body is indexed with a failure tag, a line that does not fit
 * goes to the dead letters with the reason.
 */
import type { BodyParser } from '../body-format';
import { defineBodyFormat } from '../body-format';
import { createParserContext, decodePayload } from '../context';
import { parseError, PARSE_ERROR_CODES, type ParseErrorCode } from '../errors';
import { parseSyslogLine, startsLikeUnprioritisedSyslog } from '../syslog';
import type { ParserDefinition } from '../types';

function startsLikeSyslog(line: string): boolean {
  if (line.charCodeAt(0) === 0x3c) {
    const second = line.charCodeAt(1);
    return second >= 0x30 && second <= 0x39;
  }
  return startsLikeUnprioritisedSyslog(line);
}

const isParseErrorCode = (code: unknown): code is ParseErrorCode => (PARSE_ERROR_CODES as readonly unknown[]).includes(code);

export function defineSyslogBodyFormat<Options>(bodyParser: BodyParser<Options>): ParserDefinition {
  const bodyOnly = defineBodyFormat(bodyParser);
  const type = bodyParser.dataset;
  return {
    ...bodyOnly,
    create(config) {
      const context = createParserContext(config);
      const plain = bodyOnly.create(config);
      return {
        type,
        parse(record) {
          const line = decodePayload(record, context, type);
          if (typeof line !== 'string') return { ok: false, error: line };
          if (!startsLikeSyslog(line)) return plain.parse(record);
          const result = parseSyslogLine(line, record, context);
          if (!result.ok) return result;
          const event = result.event;
          const error = event.error as { code?: unknown; message?: unknown } | undefined;
          if (event.event.dataset === type && error === undefined) return result;
          if (error !== undefined && isParseErrorCode(error.code)) return { ok: false, error: parseError(error.code, type, String(error.message)) };
          return {
            ok: false,
            error: parseError('SIEM_PARSE_NO_MATCH', type, `The syslog message body is not in the ${type} format; check which parser this input is configured with, or use "auto".`),
          };
        },
      };
    },
  };
}
