import fc from 'fast-check';
import type { RawRecord } from '@siem/schema';
import { describe, expect, it } from 'vitest';
import { PARSE_ERROR_CODES } from './errors';
import { GOLDEN_CASES } from './golden/cases';
import { parserRegistry } from './registry';
import type { ParseResult, Parser } from './types';

/**
 * Property-based test of every parser in the registry (issue 18): whatever the
 * bytes, `parse` returns within a bound of CPU time (a hang check, not a speed assertion),
 * never throws, and answers either a typed parse error (a documented code, a
 * message, the parser's type, not retryable) or an event that survives a JSON
 * round trip unchanged (what the store and the bus will write). Inputs are the
 * format's valid lines mutated at the character and the byte level, arbitrary
 * bytes, deep JSON and lines near the size limit. The unit suite runs
 * SIEM_FUZZ_RUNS cases per parser (default 150); `npm run test:fuzz` runs 1,000,000.
 */
const RUNS = Number(process.env.SIEM_FUZZ_RUNS ?? 150);
/** CPU time, far above the largest parse (a 64 KiB line takes at most about 20 ms); an unbounded loop or backtracking never returns. */
const BOUND_MS = 1_000;
/** Runs per fast-check call: between calls the test yields, so a million runs do not block the test worker for minutes. */
const CHUNK = 5_000;
const SEED = Number(process.env.SIEM_FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_MESSAGE_BYTES = 65_536;
const CODES: ReadonlySet<string> = new Set(PARSE_ERROR_CODES);
const TYPES: ReadonlySet<string> = new Set(parserRegistry.types);

/** Valid lines of the formats the golden cases do not cover, written after each vendor's documented layout. */
const EXTRA_SEEDS = [
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...',
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8',
  'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232',
  'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^srcPort=81^dstPort=21^usrName=joe.black^devTime=Nov 23 2026 10:00:05',
  'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black',
  '{"@timestamp":"2026-11-23T10:00:00.000Z","message":"login","host":{"name":"web-1"},"user":{"name":"alice"},"source":{"ip":"203.0.113.9","port":4431},"event":{"category":["authentication"],"outcome":"failure"}}',
  '{"@timestamp":"2026-11-23T11:00:00.000Z","event":{"code":4624,"provider":"Microsoft-Windows-Security-Auditing","kind":"event"},"host":{"name":"ws1"},"winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","event_id":4624,"computer_name":"ws1.corp.example","event_data":{"TargetUserName":"alice","LogonType":"3","IpAddress":"198.51.100.7"}}}',
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-23T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Failure"},"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}',
  'type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=2 success=no exit=-13 a0=7fffd19c5592 a1=0 a2=7fffd19c4b50 a3=a items=1 ppid=2686 pid=3538 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=1 comm="cat" exe="/bin/cat" subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 key="sshd_config"',
  '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5555] AH00124: Request exceeded the limit of 10 internal redirects',
  '2024/01/02 03:04:05 [error] 123#456: *7 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 1.2.3.4, server: example.com, request: "GET /favicon.ico HTTP/1.1", host: "example.com"',
  '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2026-11-23T10:15:42.123456000Z"/><EventRecordID>101</EventRecordID><Correlation/><Execution ProcessID="811" ThreadID="811"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web-01</Computer><Security UserId="0"/></System><EventData><Data Name="UtcTime">2026-11-23 10:15:42.125</Data><Data Name="ProcessId">24817</Data><Data Name="Image">/usr/bin/curl</Data><Data Name="CommandLine">curl -s http://198.51.100.23/x.sh &amp;&amp; echo</Data><Data Name="User">www-data</Data></EventData></Event>',
  '<14>Nov 23 10:15:42 web-01 sysmon: <Event><System><Provider Name="Linux-Sysmon"/><EventID>5</EventID><TimeCreated SystemTime="2026-11-23T10:15:42.123Z"/><Computer>web-01</Computer></System><EventData><Data Name="ProcessId">1</Data><Data Name="Image">/bin/sh</Data></EventData></Event>',
  'time=2026-11-23T10:00:05Z user=alice action=login src=203.0.113.9 status="failed attempt" count=3',
  '55.3.244.1 GET /index.html 15824 0.043',
];

const SEEDS: readonly string[] = [...new Set([...GOLDEN_CASES.map((golden) => golden.line), ...EXTRA_SEEDS])];

/** Pieces of the formats' syntax, the places parsers split on, and values that break number and date conversions. */
const FRAGMENTS = [
  ' ', '  ', '\t', '\n', '\r\n', '\0', '|', '^', '=', '==', '"', "'", '\\', '\\|', '\\=', '[', ']', '{', '}', '<', '>', '/>', ':', ';', ',', '.', '-', '%',
  '<13>', '<999>', '<>', '1 ', 'CEF:0|', 'LEEF:2.0|', 'LEEF:1.0|', '%ASA-6-302013:', 'type=SYSCALL msg=audit(', 'date=', 'devname=', '#Fields: ', '&amp;', '&#x0;', '&bogus;',
  '<Data Name="x">', '</Data>', '<![CDATA[', '{"a":', '"__proto__"', '"constructor"', '"prototype"', '[]', 'null', 'true', '1e400', '-0', 'NaN', 'Infinity',
  '99999999999999999999999', '-9223372036854775809', '0x', '2026-13-45T25:61:61Z', 'Feb 30 25:00:00', '1796378400123456789', '9999-12-31', '::', '2001:db8::5', '256.256.256.256',
  'é', '日本', '😀', '\uD800', '\uFFFD', '\u2028', 'x'.repeat(300),
];

function record(payload: Buffer): RawRecord {
  return { payload, receivedAt: '2026-11-23T10:00:00.000Z', sourceAddress: '192.0.2.10', input: 'fuzz' };
}

const mutation = fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom(...FRAGMENTS));
const mutatedText = fc.tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([seed, mutations]) =>
  Buffer.from(
    mutations.reduce((line, [at, kind, fragment]) => {
      const index = at % (line.length + 1);
      if (kind === 0) return line.slice(0, index) + fragment + line.slice(index);
      if (kind === 1) return line.slice(0, index) + line.slice(index + 1 + (at % 7));
      if (kind === 2) return line.slice(0, index) + fragment + line.slice(index + fragment.length);
      if (kind === 3) return line.slice(0, index);
      return line + line.slice(index);
    }, seed),
  ),
);
/** Byte flips, so invalid UTF-8, NUL and control bytes land inside otherwise valid lines. */
const mutatedBytes = fc.tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 })).map(([seed, flips]) => {
  const bytes = Buffer.from(seed);
  for (const [at, value] of flips) bytes[at % bytes.length] = value;
  return bytes;
});
const anyBytes = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes));
const fromFragments = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => Buffer.from(parts.join('')));
/** JSON documents of any shape, nested up to a few hundred levels (the parsers refuse more than their depth limit). */
const deepJson = fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 400 }), fc.constantFrom('{"a":', '[', '{"Event":', '{"winlog":')).map(([value, depth, opener]) => {
  const closer = opener === '[' ? ']' : '}';
  return Buffer.from(opener.repeat(depth) + JSON.stringify(value) + closer.repeat(depth));
});
/** A valid line repeated up to and past the size limit, where anything super-linear would show. */
const long = fc.tuple(fc.constantFrom(...SEEDS), fc.integer({ min: 2, max: 600 }), fc.constantFrom('', ' ', ',', '=', '|')).map(([seed, times, glue]) =>
  Buffer.from(Array.from({ length: times }, () => seed).join(glue)).subarray(0, MAX_MESSAGE_BYTES + 16),
);

const INPUTS = fc.oneof(
  { arbitrary: mutatedText, weight: 5 },
  { arbitrary: mutatedBytes, weight: 3 },
  { arbitrary: anyBytes, weight: 1 },
  { arbitrary: fromFragments, weight: 1 },
  { arbitrary: deepJson, weight: 1 },
  { arbitrary: long, weight: 1 },
);

/**
 * Parses and times the parse in CPU time, not wall time: on a loaded machine (and at
 * nice 19, as the long run goes) a descheduled test worker waits seconds for a core,
 * which says nothing of the parser. A garbage collection can still add to one parse, so
 * a slow parse is timed twice more: only a parse slow every time (super-linear work, a
 * loop) fails.
 */
function timedParse(parser: Parser, payload: Buffer): ParseResult {
  let fastest = Number.POSITIVE_INFINITY;
  let result: ParseResult | undefined;
  for (let attempt = 0; attempt < 3 && fastest >= BOUND_MS; attempt += 1) {
    const started = process.cpuUsage();
    result = parser.parse(record(payload));
    const used = process.cpuUsage(started);
    fastest = Math.min(fastest, (used.user + used.system) / 1000);
  }
  expect(fastest, `${parser.type} took ${Math.round(fastest)} ms of CPU at best on ${JSON.stringify(payload.toString('latin1').slice(0, 200))}`).toBeLessThan(BOUND_MS);
  return result!;
}

function check(parser: Parser, payload: Buffer): void {
  const result = timedParse(parser, payload);
  if (result.ok) {
    // What indexing writes is the JSON text; an event that does not survive the round trip (undefined, NaN, a Date, a cycle) would change on the way.
    expect(JSON.parse(JSON.stringify(result.event)) as unknown).toEqual(result.event);
  } else {
    expect(CODES.has(result.error.code), result.error.code).toBe(true);
    expect(result.error.message.length).toBeGreaterThan(0);
    // A chained parser names the stage that refused the line (the syslog header, or the body's format).
    expect(TYPES.has(result.error.parser), result.error.parser).toBe(true);
    expect(result.error.retryable).toBe(false);
  }
}

/** Grok runs user patterns; two configurations the Elasticsearch documentation shows. */
const GROK_CONFIGS = [
  { patterns: ['%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes:int} %{NUMBER:duration:float}'] },
  { patterns: ['%{COMBINEDAPACHELOG}', '%{SYSLOGBASE} %{GREEDYDATA:message}'] },
];

function parsersOf(type: string): Parser[] {
  if (type === 'grok') return GROK_CONFIGS.map((options) => parserRegistry.create(type, { maxMessageBytes: MAX_MESSAGE_BYTES, options }));
  return [parserRegistry.create(type, { maxMessageBytes: MAX_MESSAGE_BYTES, now: () => new Date('2026-11-23T10:00:00.000Z') })];
}

describe('parsers – property-based', () => {
  // Only a guard: the hang check is the CPU bound per case; long runs at nice 19 on a loaded machine take hours.
  const timeout = Math.max(300_000, RUNS * 20);

  it('every seed line is accepted by at least one parser (the mutations start from valid lines)', () => {
    const parsers = parserRegistry.types.flatMap(parsersOf);
    const refused = SEEDS.filter((line) => !parsers.some((parser) => parser.parse(record(Buffer.from(line))).ok));
    expect(refused).toEqual([]);
  });

  for (const type of parserRegistry.types) {
    it(`${type} – returns an event or a typed parse error, quickly, for mutated, arbitrary, deep and long input`, async () => {
      const parsers = parsersOf(type);
      for (let done = 0; done < RUNS; done += CHUNK) {
        fc.assert(
          fc.property(INPUTS, (payload) => {
            for (const parser of parsers) check(parser, payload);
          }),
          { numRuns: Math.min(CHUNK, RUNS - done), seed: SEED + done },
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
    }, timeout);
  }
});
