/**
 * Proves: how much disk one stored event takes in OpenSearch, the figure the
 * capacity model (docs/capacity.md) sizes retention with. The events are the
 * load generator's mix (syslog, CEF, JSON, Windows; `siem loadgen`), parsed and
 * enriched as the processor does, bulk-indexed through OpenSearchStore with the
 * project's index template (one primary, no replica), then refreshed and
 * force-merged to one segment, as a daily index is once the day is over. The
 * peer, measured in the same run, is the raw lines' own size.
 *
 *   node --import tsx benchmarks/store/bytes-per-event.bench.ts [events=200000]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@siem/config';
import { createEnricher } from '@siem/enrich';
import { ensureInfra } from '@siem/infra';
import { createInputRouter, parseRoutePairs } from '@siem/parsers';
import { OpenSearchStore, type IndexableEvent } from '@siem/store';
import { lineGenerator, type LineKind } from '../../tools/cli/src/loadgen/mixed-lines';

const TOTAL = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const CHUNK = 2_000;
const MIX: readonly LineKind[] = ['syslog', 'cef', 'json', 'windows'];

interface IndexStats {
  readonly docs: number;
  readonly bytes: number;
}

async function opensearch<T>(url: string, route: string, method = 'GET'): Promise<T> {
  const response = await fetch(`${url}${route}`, { method });
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function primaryStats(url: string, pattern: string): Promise<IndexStats> {
  const stats = await opensearch<{ _all: { primaries: { docs: { count: number }; store: { size_in_bytes: number } } } }>(url, `/${pattern}/_stats/docs,store`);
  return { docs: stats._all.primaries.docs.count, bytes: stats._all.primaries.store.size_in_bytes };
}

/**
 * The merged segments' size once the replaced ones are gone: right after a force merge the
 * old files are still counted until a flush and refresh release them, so this reads until
 * two readings a few seconds apart agree.
 */
async function settledStats(url: string, pattern: string): Promise<IndexStats> {
  let previous: IndexStats | undefined;
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await opensearch(url, `/${pattern}/_flush`, 'POST');
    await opensearch(url, `/${pattern}/_refresh`, 'POST');
    const current = await primaryStats(url, pattern);
    if (previous !== undefined && previous.bytes === current.bytes) return current;
    previous = current;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  throw new Error(`The store size of ${pattern} did not settle within 90 s after the force merge.`);
}

async function main(): Promise<void> {
  const infra = await ensureInfra();
  const prefix = `siem-bench-bytes-${Date.now().toString(36)}-`;
  const config = loadConfig({});
  const router = createInputRouter(parseRoutePairs(config.processor.parsers), { maxMessageBytes: config.collector.maxMessageBytes, timezone: config.processor.syslogTimezone, keepOriginal: config.processor.keepOriginal });
  const enricher = createEnricher(config.enrich);
  const next = lineGenerator({ mix: MIX, seed: 18, hosts: 50, now: () => new Date('2026-12-04T12:00:00.000Z') });
  const receivedAt = '2026-12-04T12:00:00.000Z';
  const byKind = new Map<string, { count: number; rawBytes: number }>();
  const documents: IndexableEvent[] = [];
  let rawBytes = 0;
  for (let i = 0; i < TOTAL; i += 1) {
    const line = next();
    const input = line.kind === 'json' || line.kind === 'windows' ? 'http_ndjson' : 'syslog_tcp';
    const result = router.parse({ payload: Buffer.from(line.text), receivedAt, sourceAddress: '192.0.2.10', input });
    if (!result.ok) throw new Error(`The processor's parser refused a loadgen line: ${result.error.message}`);
    enricher.enrich(result.event);
    const bytes = Buffer.byteLength(line.text);
    rawBytes += bytes;
    const kind = byKind.get(line.kind) ?? { count: 0, rawBytes: 0 };
    byKind.set(line.kind, { count: kind.count + 1, rawBytes: kind.rawBytes + bytes });
    documents.push({ id: `bytes-${i}`, timestamp: result.event['@timestamp'], document: result.event });
  }
  enricher.close();
  const jsonBytes = documents.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event.document)), 0);

  const store = new OpenSearchStore({ url: infra.opensearchUrl, indexPrefix: prefix, replicas: 0, bulkRequests: 2 });
  try {
    await store.ensureReady();
    for (let start = 0; start < documents.length; start += CHUNK) {
      const result = await store.bulkIndex(documents.slice(start, start + CHUNK));
      if (result.rejected.length > 0) throw new Error(`OpenSearch refused ${result.rejected.length} events: ${JSON.stringify(result.rejected[0])}`);
    }
    await opensearch(infra.opensearchUrl, `/${prefix}*/_refresh`, 'POST');
    const fresh = await primaryStats(infra.opensearchUrl, `${prefix}*`);
    await opensearch(infra.opensearchUrl, `/${prefix}*/_forcemerge?max_num_segments=1`, 'POST');
    const merged = await settledStats(infra.opensearchUrl, `${prefix}*`);
    if (merged.docs !== TOTAL) throw new Error(`expected ${TOTAL} documents, OpenSearch counts ${merged.docs}`);

    const load = execFileSync('cat', ['/proc/loadavg']).toString().trim();
    const perEvent = (bytes: number) => Math.round(bytes / TOTAL);
    const markdown = [
      `# store bytes per event, ${new Date().toISOString()}`,
      '',
      `${TOTAL} events of the load generator's mix (${[...byKind].map(([kind, entry]) => `${kind} ${Math.round((entry.count * 100) / TOTAL)}%, ${Math.round(entry.rawBytes / entry.count)} B raw`).join('; ')}), parsed and enriched as the processor does (event.original ${config.processor.keepOriginal ? 'kept' : 'not kept'}, GeoIP on), bulk-indexed into OpenSearch with the project's index template, one primary shard per daily index and no replica. Load average ${load}.`,
      '',
      '| what | bytes/event | ratio to the raw line |',
      '|---|---:|---:|',
      `| raw line as received (peer) | ${perEvent(rawBytes)} | 1.00 |`,
      `| ECS document as JSON (the bulk body's source) | ${perEvent(jsonBytes)} | ${(jsonBytes / rawBytes).toFixed(2)} |`,
      `| OpenSearch primary store, after refresh | ${perEvent(fresh.bytes)} | ${(fresh.bytes / rawBytes).toFixed(2)} |`,
      `| OpenSearch primary store, force-merged to one segment | ${perEvent(merged.bytes)} | ${(merged.bytes / rawBytes).toFixed(2)} |`,
      '',
      'Each replica adds the primary store again; docs/capacity.md uses the force-merged figure for days past and the refreshed one as the bound for the current day.',
      '',
    ].join('\n');
    writeFileSync(path.join(import.meta.dirname, '..', 'results', 'store-bytes-per-event.md'), markdown);
    process.stdout.write(markdown);
  } finally {
    await fetch(`${infra.opensearchUrl}/${prefix}*`, { method: 'DELETE' });
    await fetch(`${infra.opensearchUrl}/_index_template/${prefix}events`, { method: 'DELETE' }).catch(() => undefined);
  }
}

await main();
