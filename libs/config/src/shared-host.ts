/**
 * Processor concurrency when nobody chose it. OpenSearch on the processor's own
 * host (a loopback URL) indexes with the same cores the workers parse with: the
 * processor leaves it one core, and its workers together keep as many bulk
 * requests open as there are cores, so indexing is never short of work. Measured
 * on 2 cores (benchmarks/processor): one worker with two bulk requests used 56 µs
 * of CPU per event where two workers used 69–75, and OpenSearch spent no more per
 * event than for a bare bulk load; with two workers it spent 10–20% more.
 */
export interface ProcessorConcurrency {
  readonly workers: number;
  readonly bulkRequestsPerWorker: number;
}

export interface ConcurrencyChoices {
  readonly cores: number;
  readonly store: 'embedded' | 'opensearch';
  readonly opensearchUrl: string;
  /** What SIEM_PROCESSOR_WORKERS and SIEM_OPENSEARCH_BULK_REQUESTS set, if anything. */
  readonly workers?: number;
  readonly bulkRequestsPerWorker?: number;
}

export function processorConcurrency(choices: ConcurrencyChoices): ProcessorConcurrency {
  const sharesHost = choices.store === 'opensearch' && isLoopbackUrl(choices.opensearchUrl);
  const workers = choices.workers ?? (sharesHost ? Math.max(1, choices.cores - 1) : choices.cores);
  const bulkRequestsPerWorker = choices.bulkRequestsPerWorker ?? Math.max(1, Math.round(choices.cores / Math.max(1, workers)));
  return { workers, bulkRequestsPerWorker };
}

/** Whether the URL names this host by a loopback name or address. */
export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === '[::1]';
}
