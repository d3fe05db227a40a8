import { describe, expect, it } from 'vitest';
import { grokParser } from './grok';
import { GROK_PATTERNS } from './grok-patterns';

function parserFor(expression: string, maxInputBytes = 16_384) {
  return grokParser.create({ maxMessageBytes: 1024 * 1024, options: { patterns: [expression], maxInputBytes } });
}

function captured(expression: string, line: string): unknown {
  const result = parserFor(expression).parse({ payload: Buffer.from(line), receivedAt: '2026-11-23T12:00:00.000Z', input: 'test' });
  return result.ok ? (result.event as Record<string, unknown>).v : result.error.code;
}

const SAMPLES: ReadonlyArray<[string, string]> = [
  ['USERNAME', 'john.doe-1'],
  ['INT', '-42'],
  ['NUMBER', '3.14'],
  ['BASE16NUM', '0x1F'],
  ['POSINT', '8080'],
  ['WORD', 'hello_1'],
  ['NOTSPACE', 'a/b:c'],
  ['QUOTEDSTRING', '"say \\"hi\\""'],
  ['QUOTEDSTRING', "'it\\'s'"],
  ['UUID', '123e4567-e89b-12d3-a456-426614174000'],
  ['MAC', '00:1A:2b:3C:4d:5E'],
  ['MAC', '001a.2b3c.4d5e'],
  ['MAC', '00-1A-2B-3C-4D-5E'],
  ['IPV4', '192.168.0.1'],
  ['IPV6', '2001:db8::ff00:42:8329'],
  ['IPV6', '::ffff:10.0.0.1'],
  ['IPV6', 'fe80::1%eth0'],
  ['IP', '10.1.2.3'],
  ['HOSTNAME', 'web-1.example.com'],
  ['IPORHOST', 'example.org'],
  ['HOSTPORT', 'example.com:443'],
  ['UNIXPATH', '/var/log/nginx/access.log'],
  ['WINPATH', 'C:\\Windows\\System32\\cmd.exe'],
  ['PATH', '/tmp/a'],
  ['URIPROTO', 'https'],
  ['URIPATHPARAM', '/search?q=grok&x=1'],
  ['URI', 'https://user:pw@example.com:8443/a/b?c=d'],
  ['EMAILADDRESS', 'alice.smith@example.com'],
  ['MONTH', 'Nov'],
  ['MONTH', 'März'],
  ['MONTHDAY', '23'],
  ['YEAR', '2026'],
  ['TIME', '11:22:01.123'],
  ['TIMESTAMP_ISO8601', '2026-11-23T11:22:01.123+01:00'],
  ['TIMESTAMP_ISO8601', '2026-11-23 11:22:01Z'],
  ['HTTPDATE', '23/Nov/2026:11:22:01 +0000'],
  ['SYSLOGTIMESTAMP', 'Nov  3 11:22:01'],
  ['DATESTAMP', '11/23/2026 11:22:01'],
  ['DATESTAMP_RFC822', 'Mon Nov 23 2026 11:22:01 UTC'],
  ['DATESTAMP_RFC2822', 'Mon, 23 Nov 2026 11:22:01 +0100'],
  ['LOGLEVEL', 'WARNING'],
  ['LOGLEVEL', 'err'],
  ['TTY', '/dev/pts/3'],
];

describe('grok pattern library', () => {
  it.each(SAMPLES)('grok library – %s matches %j whole', (name, sample) => {
    expect(captured(`%{${name}:v}$`, sample)).toBe(sample);
  });

  it('grok library – every pattern compiles on its own', () => {
    for (const name of Object.keys(GROK_PATTERNS)) expect(() => parserFor(`%{${name}}`), name).not.toThrow();
  });

  it('grok library – has no lookaround or backreference, which would disable the linear-time fallback', () => {
    for (const [name, source] of Object.entries(GROK_PATTERNS)) expect(source, name).not.toMatch(/\(\?<?[=!]|\\[1-9]|\\k</);
  });

  // Each input is built to make a backtracking engine try many splits before failing at the end.
  const BAIT = [
    'a'.repeat(16_000) + '!',
    '1.'.repeat(8_000) + '!',
    '/a'.repeat(8_000) + '\0',
    '\\a'.repeat(8_000) + '?',
    '"' + '\\a'.repeat(8_000),
    'a '.repeat(8_000) + '\n',
    'a.'.repeat(8_000) + '@!',
    ':1'.repeat(8_000) + '!',
  ];

  it('grok library – every pattern finishes on backtracking bait of 16 kB', () => {
    const patterns = Object.keys(GROK_PATTERNS).map((name) => [name, parserFor(`%{${name}:v}$`)] as const);
    let runs = 0;
    for (const [, parser] of patterns) {
      for (const bait of BAIT) {
        const result = parser.parse({ payload: Buffer.from(bait), receivedAt: '2026-11-23T12:00:00.000Z', input: 'test' });
        expect(result.ok ? 'matched' : result.error.code).toMatch(/^(matched|SIEM_PARSE_NO_MATCH)$/);
        runs++;
      }
    }
    expect(runs).toBe(patterns.length * BAIT.length);
  });
});
