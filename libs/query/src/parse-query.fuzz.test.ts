import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryError } from './errors';
import { MAX_QUERY_LENGTH, parseQuery } from './parse-query';
import { printQuery } from './print-query';
import { toOpenSearchQuery } from './to-opensearch';
import { toSqlWhere } from './to-sql';

/**
 * Property-based test of the parser (issue 10: one query string used to loop forever).
 * Whatever the input, parseQuery returns or throws a QueryError with a position inside
 * the query, quickly; what it returns prints back to the same tree and compiles for both
 * stores. The unit suite runs SIEM_FUZZ_RUNS cases (default 15,000, a few seconds);
 * `npm run test:fuzz` runs 1,000,000.
 */
const RUNS = Number(process.env.SIEM_FUZZ_RUNS ?? 15_000);
/** CPU time, far above the 1-2 ms the worst 4,096-character query takes to parse; an unbounded loop never returns. */
const BOUND_MS = 1_000;
/** Runs per fast-check call: between calls the test yields, so a million runs do not block the test worker for minutes. */
const CHUNK = 10_000;
const SEED = Number(process.env.SIEM_FUZZ_SEED ?? Date.now() % 2 ** 31);

const FRAGMENTS = [
  'a', 'b', 'fail', 'AND', 'OR', 'NOT', 'TO', '&&', '||', '!', '-', '+', '(', ')', '"', '\\', ':', '::', '*', '?', '[', ']', '{', '}', '>', '<', '=',
  ' ', '  ', '\t', '\n', '.', '/', ',', "'", ';', '$', 'é', '日本', '😀', 'host.name', 'source.ip', 'source.port', '@timestamp', 'message', 'user.name',
  'event.original', '2001:db8::5', '10.0.0.0/8', '::ffff:1.2.3.4', 'now-15m', 'now/d', '2026-12-04T10:00:00Z', '22', '-1.5e3', 'http://x/', '{"script":1}', "'; DROP TABLE events; --",
];

const SEEDS = [
  'user.name:alice AND event.outcome:failure', 'user.name:(alice OR bob) -host.name:web-*', '@timestamp:[2026-12-01 TO now/d} source.port:>=1024',
  'source.ip:10.0.0.0/8 OR destination.ip:2001:db8::/32', '"failed password" NOT (root || admin) fail*', 'url.original:http://x/a?b=c\\:d process.pid:{1 TO 99]',
  '@timestamp:>now-15m message:"a \\"quoted\\" phrase" x:*', 'a::b :foo 10.0.0.1:80 !c +d',
];

const fromFragments = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(''));
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const mutation = fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...FRAGMENTS));
const mutated = fc.tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([seed, mutations]) =>
  mutations.reduce((query, [at, kind, fragment]) => {
    const index = at % (query.length + 1);
    if (kind === 0) return query.slice(0, index) + fragment + query.slice(index);
    if (kind === 1) return query.slice(0, index) + query.slice(index + 1);
    if (kind === 2) return query.slice(0, index) + fragment + query.slice(index + fragment.length);
    return query + query.slice(index);
  }, seed),
);
/** Near the length limit, where anything super-linear would show. */
const long = fc.tuple(fromFragments, fc.integer({ min: 1, max: 400 })).map(([query, times]) => query.repeat(times).slice(0, MAX_QUERY_LENGTH));

/** CPU milliseconds since `started`: wall time would count the seconds a loaded machine (or nice 19) keeps the worker waiting for a core. */
function cpuMsSince(started: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function check(query: string): void {
  const started = process.cpuUsage();
  try {
    const ast = parseQuery(query);
    expect(cpuMsSince(started)).toBeLessThan(BOUND_MS);
    toOpenSearchQuery(ast);
    toSqlWhere(ast, { documentColumn: 'doc', fullTextTable: 'fts', termFields: new Set(['host.name', 'source.ip']), fullText: 'separate' });
    const printed = printQuery(ast);
    if (printed.length <= MAX_QUERY_LENGTH) expect(parseQuery(printed), `${JSON.stringify(query)} printed as ${JSON.stringify(printed)}`).toEqual(ast);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(Math.max(query.length, MAX_QUERY_LENGTH));
    expect(cpuMsSince(started)).toBeLessThan(BOUND_MS);
  }
}

/** Runs the property `runs` times in chunks of fresh seeds (reported on failure; SIEM_FUZZ_SEED replays). */
async function assertInChunks(arbitrary: fc.Arbitrary<string>, runs: number): Promise<void> {
  for (let done = 0; done < runs; done += CHUNK) {
    fc.assert(fc.property(arbitrary, check), { numRuns: Math.min(CHUNK, runs - done), seed: SEED + done });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('parseQuery – property-based', () => {
  const runs = Math.max(1, Math.floor(RUNS / 4));
  // Only a guard: the hang check is the CPU bound per case; a million runs at nice 19 on a loaded machine take an hour.
  const timeout = Math.max(300_000, RUNS * 20);

  it('returns or throws a QueryError, quickly, for queries made of syntax fragments', async () => {
    await assertInChunks(fromFragments, runs);
  }, timeout);

  it('returns or throws a QueryError, quickly, for arbitrary text', async () => {
    await assertInChunks(anyText, runs);
  }, timeout);

  it('returns or throws a QueryError, quickly, for mutated valid queries', async () => {
    await assertInChunks(mutated, runs);
  }, timeout);

  it('returns or throws a QueryError, quickly, for queries near the length limit', async () => {
    await assertInChunks(long, runs);
  }, timeout);
});
