/**
 * Proves: parse + normalize + enrich throughput per format on one core (the
 * enricher as the processor runs it by default: GeoIP from the bundled
 * database, private addresses tagged), against the floor of `JSON.parse` over
 * the same bytes (for text formats, the line as a JSON string literal) in the
 * same run. Parse alone is printed beside it. Rates are per CPU second of the
 * process, so that a shared, loaded machine does not pass for slow code; the
 * rate per elapsed second and the load average are written beside them.
 *
 *   node --import tsx benchmarks/parsers/parse.bench.ts [--seconds=2] [--only=<text in the format name>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createEnricher } from '@siem/enrich';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { BENCH_FORMATS, type BenchFormat } from './formats';

const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 2);
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const SAMPLES = 4096;
const ROUNDS = 3;
const enricher = createEnricher({ watchFiles: false });

interface Measured {
  /** Events per second of CPU time used by this process: what one core does, whatever else the machine runs. */
  readonly eventsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** Events per second of elapsed time, which a loaded machine lowers. */
  readonly eventsPerWallSecond: number;
}

/**
 * Runs `work` over the samples for about SECONDS, after a warm-up, and reports the best round's rate per CPU second
 * (user + system time of the process, so garbage collection on helper threads counts against it) and per
 * elapsed second. The machine is shared, so the elapsed rate measures the load as much as the code.
 */
function measure(records: readonly RawRecord[], bytes: number, work: (record: RawRecord) => unknown): Measured {
  let sink = 0;
  for (let i = 0; i < records.length * 4; i++) sink += work(records[i % records.length]!) === undefined ? 0 : 1;
  let best: Measured | undefined;
  // The best of ROUNDS rounds: other processes' bursts slow a round down (cache and core contention), never speed it up.
  for (let round = 0; round < ROUNDS; round++) {
    let events = 0;
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const budget = BigInt(Math.round((SECONDS / ROUNDS) * 1e9));
    while (process.hrtime.bigint() - started < budget) {
      for (const record of records) sink += work(record) === undefined ? 0 : 1;
      events += records.length;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const averageBytes = bytes / records.length;
    const measured = { eventsPerSecond: events / cpuSeconds, megabytesPerSecond: (events * averageBytes) / cpuSeconds / 1_048_576, eventsPerWallSecond: events / seconds };
    if (best === undefined || measured.eventsPerSecond > best.eventsPerSecond) best = measured;
  }
  if (sink === 0 || best === undefined) throw new Error('the work produced nothing');
  return best;
}

function benchFormat(format: BenchFormat): string {
  const lines = Array.from({ length: SAMPLES }, (_, i) => format.line(i));
  const records: RawRecord[] = lines.map((line) => ({ payload: Buffer.from(line), receivedAt: '2026-11-23T10:00:00.000Z', sourceAddress: '10.0.0.1', input: 'bench' }));
  const bytes = records.reduce((sum, record) => sum + record.payload.length, 0);
  const parser = createParser(format.parser, { options: format.options ?? {} });
  for (const record of records.slice(0, 16)) {
    const result = parser.parse(record);
    if (!result.ok) throw new Error(`${format.name}: a sample does not parse: ${result.error.message}`);
    if (format.expectDataset !== undefined && result.event.event.dataset !== format.expectDataset) {
      throw new Error(`${format.name}: dataset ${String(result.event.event.dataset)}, expected ${format.expectDataset}`);
    }
  }
  const parsed = measure(records, bytes, (record) => parser.parse(record));
  const enriched = measure(records, bytes, (record) => {
    const result = parser.parse(record);
    if (result.ok) enricher.enrich(result.event);
    return result;
  });
  const isJson = lines[0]!.startsWith('{');
  const floorTexts = lines.map((line) => (isJson ? line : JSON.stringify(line)));
  const floorRecords = floorTexts.map((text) => ({ payload: Buffer.from(text), receivedAt: '', input: 'bench' }));
  const decoder = new TextDecoder();
  const floor = measure(floorRecords, bytes, (record) => JSON.parse(decoder.decode(record.payload)) as unknown);
  const target = format.targetPerSecond;
  const verdict = target === undefined ? '—' : enriched.eventsPerSecond >= target ? 'met' : 'missed';
  const row = `| ${format.name} | ${(bytes / records.length).toFixed(0)} | ${Math.round(enriched.eventsPerSecond)} | ${enriched.megabytesPerSecond.toFixed(1)} | ${Math.round(parsed.eventsPerSecond)} | ${Math.round(floor.eventsPerSecond)} | ${floor.megabytesPerSecond.toFixed(1)} | ${(enriched.eventsPerSecond / floor.eventsPerSecond).toFixed(3)} | ${Math.round(enriched.eventsPerWallSecond)} | ${target ?? '—'} | ${verdict} |`;
  process.stdout.write(`${row}\n`);
  return row;
}

const header = ['| format | bytes/event | parse+enrich events/s | parse+enrich MB/s | parse only events/s | JSON.parse floor events/s | floor MB/s | parse+enrich / floor | parse+enrich events per elapsed s | target events/s | target |', '|---|---|---|---|---|---|---|---|---|---|---|'];
process.stdout.write(`${header.join('\n')}\n`);
const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const rows = BENCH_FORMATS.filter((format) => ONLY === undefined || format.name.includes(ONLY)).map(benchFormat);
const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const table = [`One core (one Node.js thread), ${SAMPLES} distinct sample lines per format, ${SECONDS} s per measurement after a warm-up, in ${ROUNDS} rounds of which the best is kept. Rates are per second of CPU time used by the process (user + system, garbage collection included), which is what one core does; the machine is shared (load average ${loadBefore} before the run, ${loadAfter} after, on ${availableParallelism()} cores), so the rate per elapsed second is printed beside it and is not comparable between runs. Targets are the issues': syslog 200k, CEF, LEEF, JSON and each network device format 100k per core (— where they name none; a chained row parses a second format after the syslog header, so it is not the syslog parser's figure; the mixed row cycles through network devices, host syslog, auth lines, JSON, squid and IIS). Floor: decode + JSON.parse of the same bytes (text formats as one JSON string).`, '', ...header, ...rows].join('\n');
if (ONLY === undefined) writeFileSync(path.join(import.meta.dirname, '..', 'results', 'parsers-parse.md'), `# parsers, ${new Date().toISOString()}\n\n${table}\n`);
