import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParserSetupError } from './errors';
import { createInputRouter, loadParserRoutesFile, parseRoutePairs } from './input-routes';

const record = (input: string, line: string) => ({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', input });
const dataset = (result: ReturnType<ReturnType<typeof createInputRouter>['parse']>) => (result.ok ? result.event.event.dataset : result.error.parser);

describe('parseRoutePairs', () => {
  it('reads input=type pairs', () => {
    expect(parseRoutePairs(['syslog_udp=syslog', ' http_ndjson = json ', '*=json'])).toEqual({
      syslog_udp: { parser: 'syslog' },
      http_ndjson: { parser: 'json' },
      '*': { parser: 'json' },
    });
  });

  it.each(['syslog', '=json', 'syslog_udp='])('refuses %j with the expected shape', (pair) => {
    expect(() => parseRoutePairs([pair])).toThrow(/input=parser/);
  });
});

describe('createInputRouter', () => {
  it('runs the parser of each record input, and auto for the others', () => {
    const router = createInputRouter(parseRoutePairs(['syslog_udp=syslog_rfc3164']), {});
    expect(dataset(router.parse(record('syslog_udp', '<13>Nov 23 10:00:00 host app: hi')))).toBe('syslog_rfc3164');
    expect(dataset(router.parse(record('http_ndjson', '<13>1 2026-11-23T10:00:00Z host app - - - hi')))).toBe('syslog_rfc5424');
    expect(router.parse(record('syslog_udp', '{"message":"json on a syslog input"}'))).toMatchObject({ ok: false, error: { parser: 'syslog_rfc3164' } });
  });

  it('uses the * route for unnamed inputs', () => {
    const router = createInputRouter({ '*': { parser: 'json' } }, {});
    expect(router.parse(record('anything', '<13>1 2026-11-23T10:00:00Z host app - - - hi'))).toMatchObject({ ok: false, error: { code: 'SIEM_PARSE_INVALID_JSON' } });
  });

  it('fails at start on an unknown parser type or options it does not take', () => {
    expect(() => createInputRouter({ file: { parser: 'nope' } }, {})).toThrow(ParserSetupError);
    expect(() => createInputRouter({ file: { parser: 'syslog', options: { pattern: 'x' } } }, {})).toThrow(/syslog/);
  });
});

describe('loadParserRoutesFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'siem-routes-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads routes with options', () => {
    expect(loadParserRoutesFile(write('ok.json', '{"file": {"parser": "json", "options": {}}, "*": {"parser": "auto"}}'))).toEqual({
      file: { parser: 'json', options: {} },
      '*': { parser: 'auto' },
    });
  });

  it('names the file and the bad entry', () => {
    expect(() => loadParserRoutesFile(write('bad.json', '{"file": {"parsr": "json"}}'))).toThrow(/bad\.json.*\/file/);
    expect(() => loadParserRoutesFile(write('broken.json', '{"file": '))).toThrow(/broken\.json could not be read as JSON/);
    expect(() => loadParserRoutesFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json/);
  });
});
