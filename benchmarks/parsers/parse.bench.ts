/**
 * Proves: parse + normalize + enrich throughput per format on one core (the
 * enricher as the processor runs it by default: GeoIP from the bundled
 * database, private addresses tagged), against the floor of `JSON.parse` over
 * the same bytes (for text formats, the line as a JSON string literal) in the
 * same run. Parse alone is printed beside it.
 *
 *   node --import tsx benchmarks/parsers/parse.bench.ts [--seconds=2] [--only=<text in the format name>]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEnricher } from '@siem/enrich';
import { createParser } from '@siem/parsers';
import type { RawRecord } from '@siem/schema';
import { BENCH_FORMATS, type BenchFormat } from './formats';

const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 2);
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const SAMPLES = 4096;
const enricher = createEnricher({ watchFiles: false });

interface Measured {
  readonly eventsPerSecond: number;
  readonly megabytesPerSecond: number;
}

/** Runs `work` over the samples for about SECONDS, after a warm-up, and reports the rate. */
function measure(records: readonly RawRecord[], bytes: number, work: (record: RawRecord) => unknown): Measured {
  let sink = 0;
  for (let i = 0; i < records.length * 4; i++) sink += work(records[i % records.length]!) === undefined ? 0 : 1;
  let events = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    for (const record of records) sink += work(record) === undefined ? 0 : 1;
    events += records.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sink === 0) throw new Error('the work produced nothing');
  const averageBytes = bytes / records.length;
  return { eventsPerSecond: events / seconds, megabytesPerSecond: (events * averageBytes) / seconds / 1_048_576 };
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
  const row = `| ${format.name} | ${(bytes / records.length).toFixed(0)} | ${Math.round(enriched.eventsPerSecond)} | ${enriched.megabytesPerSecond.toFixed(1)} | ${Math.round(parsed.eventsPerSecond)} | ${Math.round(floor.eventsPerSecond)} | ${floor.megabytesPerSecond.toFixed(1)} | ${target ?? '—'} | ${verdict} |`;
  process.stdout.write(`${row}\n`);
  return row;
}

const header = ['| format | bytes/event | parse+enrich events/s | parse+enrich MB/s | parse only events/s | JSON.parse floor events/s | floor MB/s | target events/s | target |', '|---|---|---|---|---|---|---|---|---|'];
process.stdout.write(`${header.join('\n')}\n`);
const rows = BENCH_FORMATS.filter((format) => ONLY === undefined || format.name.includes(ONLY)).map(benchFormat);
const table = [`One core (one Node.js thread), ${SAMPLES} distinct sample lines per format, ${SECONDS} s per measurement after a warm-up. Targets are the issues': syslog 200k, CEF, LEEF, JSON and each network device format 100k per core (— where they name none; a chained row parses a second format after the syslog header, so it is not the syslog parser's figure; the mixed row cycles through network devices, host syslog, auth lines and JSON). Floor: decode + JSON.parse of the same bytes (text formats as one JSON string).`, '', ...header, ...rows].join('\n');
if (ONLY === undefined) writeFileSync(path.join(import.meta.dirname, '..', 'results', 'parsers-parse.md'), `# parsers, ${new Date().toISOString()}\n\n${table}\n`);
