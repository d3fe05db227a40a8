/**
 * Processor concurrency when nobody chose it. OpenSearch on the processor's own
 * host (a loopback URL) indexes with the same cores the workers parse with: the
 * processor leaves it one core. Its workers together keep as many bulk requests
 * open as there are cores, and each handles one chunk more than it has requests
 * open, so a parsed chunk is ready the moment a request returns. Measured on 2
 * cores (benchmarks/processor): two workers, each with one request and two
 * chunks, used 69–75 µs of CPU per event and reached 67–79% of the bare bulk
 * rate; one worker with two requests and three chunks used 50–56 µs and reached 83–89%.
 */
export interface ProcessorConcurrency {
  readonly workers: number;
  readonly bulkRequestsPerWorker: number;
  readonly chunksInFlight: number;
}

export interface ConcurrencyChoices {
  readonly cores: number;
  readonly store: 'embedded' | 'opensearch';
  readonly opensearchUrl: string;
  /** What SIEM_PROCESSOR_WORKERS, SIEM_OPENSEARCH_BULK_REQUESTS and SIEM_PROCESSOR_CHUNKS_IN_FLIGHT set, if anything. */
  readonly workers?: number;
  readonly bulkRequestsPerWorker?: number;
  readonly chunksInFlight?: number;
}

export function processorConcurrency(choices: ConcurrencyChoices): ProcessorConcurrency {
  const sharesHost = choices.store === 'opensearch' && isLoopbackUrl(choices.opensearchUrl);
  const workers = choices.workers ?? (sharesHost ? Math.max(1, choices.cores - 1) : choices.cores);
  const bulkRequestsPerWorker = choices.bulkRequestsPerWorker ?? Math.max(1, Math.round(choices.cores / Math.max(1, workers)));
  const chunksInFlight = choices.chunksInFlight ?? bulkRequestsPerWorker + 1;
  return { workers, bulkRequestsPerWorker, chunksInFlight };
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
