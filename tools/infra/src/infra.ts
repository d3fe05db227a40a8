import { rm } from 'node:fs/promises';
import { cachedArtifact, fetchArtifacts, type ArtifactInfo, type FetchedArtifacts } from './artifacts';
import { secondsSince } from './clock';
import { detectJava } from './java';
import { kafkaCommandArgs, kafkaService, prepareKafka } from './kafka';
import { kafkaBrokers, opensearchUrl, resolveLayout, type InfraLayout, type LayoutOptions } from './layout';
import { withLock } from './lock';
import { opensearchCommandArgs, opensearchService, prepareOpenSearch } from './opensearch';
import type { StopOutcome } from './process';
import { ensureService, serviceStatus, stopService, type ServiceStatus } from './service';

export interface EnsureInfraOptions extends LayoutOptions {
  /** Stop both services and delete their data before starting. */
  fresh?: boolean;
  /** Default 90 s. */
  kafkaStartTimeoutMs?: number;
  /** Default 180 s: OpenSearch needs about a minute on two busy cores. */
  opensearchStartTimeoutMs?: number;
  /** Progress sentences for a human (downloads, starts); the library itself never prints. */
  onProgress?: (message: string) => void;
}

export interface InfraTimings {
  /** Time spent downloading in this call; 0 when everything was cached. */
  readonly downloadSeconds: number;
  /** Size of the cached jars, whether downloaded now or earlier; 0 if never fetched. */
  readonly downloadBytes: { readonly kafka: number; readonly opensearch: number };
  /** From spawn to healthy; null when Kafka was already up. */
  readonly kafkaStartSeconds: number | null;
  readonly opensearchStartSeconds: number | null;
  readonly totalSeconds: number;
}

export interface InfraInfo {
  /** `host:port`, ready for a Kafka client's brokers list. */
  readonly kafkaBrokers: string;
  /** `http://host:port` of the OpenSearch REST API. */
  readonly opensearchUrl: string;
  readonly startedKafka: boolean;
  readonly startedOpenSearch: boolean;
  readonly home: string;
  readonly logFiles: { readonly kafka: string; readonly opensearch: string };
  readonly timings: InfraTimings;
}

export interface InfraStatus {
  readonly home: string;
  readonly kafka: ServiceStatus & { readonly brokers: string; readonly logFile: string };
  readonly opensearch: ServiceStatus & { readonly url: string; readonly logFile: string };
  readonly artifacts: { readonly kafka: ArtifactInfo | null; readonly opensearch: ArtifactInfo | null };
}

export interface StopResult {
  readonly kafka: StopOutcome;
  readonly opensearch: StopOutcome;
}

const DEFAULT_KAFKA_START_TIMEOUT_MS = 90_000;
const DEFAULT_OPENSEARCH_START_TIMEOUT_MS = 180_000;
/** Long enough for a first download plus both starts by another process. */
const LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Makes sure a single-node Kafka and OpenSearch answer on 127.0.0.1 and returns their addresses.
 * Healthy services are reused, whoever started them; otherwise missing artifacts are fetched and
 * the services are started and left running in the background until stopInfra().
 */
export async function ensureInfra(options: EnsureInfraOptions = {}): Promise<InfraInfo> {
  const startedAt = performance.now();
  const layout = resolveLayout(options);
  const kafka = kafkaService(layout, options.kafkaStartTimeoutMs ?? DEFAULT_KAFKA_START_TIMEOUT_MS);
  const opensearch = opensearchService(layout, options.opensearchStartTimeoutMs ?? DEFAULT_OPENSEARCH_START_TIMEOUT_MS);
  const progress = options.onProgress ?? (() => {});

  if (!options.fresh) {
    const [kafkaHealthy, opensearchHealthy] = await Promise.all([kafka.probe(), opensearch.probe()]);
    if (kafkaHealthy && opensearchHealthy) {
      return describe(layout, { kafka: null, opensearch: null, downloadSeconds: 0, startedAt, cached: await cached(layout) });
    }
  }

  return withLock(layout.lockFile, LOCK_TIMEOUT_MS, async () => {
    if (options.fresh) {
      progress(`Stopping services and deleting ${layout.stateDir}…`);
      await Promise.all([stopService(kafka), stopService(opensearch)]);
      await rm(layout.stateDir, { recursive: true, force: true });
    }
    const java = await detectJava();
    const downloadStartedAt = performance.now();
    const artifacts = await fetchArtifacts(layout, java.javac, progress);
    const downloadSeconds =
      artifacts.kafka.downloadSeconds + artifacts.opensearch.downloadSeconds > 0 ? secondsSince(downloadStartedAt) : 0;

    progress('Starting Kafka and OpenSearch…');
    const [kafkaStart, opensearchStart] = await Promise.allSettled([
      ensureService(kafka, async () => {
        await prepareKafka(layout, java.java, artifacts.kafka.libDir);
        return { command: java.java, args: kafkaCommandArgs(layout, artifacts.kafka.libDir), cwd: layout.kafka.stateDir };
      }),
      ensureService(opensearch, async () => {
        await prepareOpenSearch(layout);
        return {
          command: java.java,
          args: opensearchCommandArgs(layout, artifacts.opensearch.libDir, artifacts.opensearchLauncherDir, java.major),
          cwd: layout.opensearch.basePath,
        };
      }),
    ]);
    if (kafkaStart.status === 'rejected') throw kafkaStart.reason;
    if (opensearchStart.status === 'rejected') throw opensearchStart.reason;
    return describe(layout, {
      kafka: kafkaStart.value.startSeconds,
      opensearch: opensearchStart.value.startSeconds,
      downloadSeconds,
      startedAt,
      cached: artifacts,
    });
  });
}

/** Stops the services this tool started (by recorded pid: SIGTERM, then SIGKILL after 15 s). */
export async function stopInfra(options: LayoutOptions = {}): Promise<StopResult> {
  const layout = resolveLayout(options);
  return withLock(layout.lockFile, LOCK_TIMEOUT_MS, async () => {
    const [kafka, opensearch] = await Promise.all([
      stopService(kafkaService(layout, 0)),
      stopService(opensearchService(layout, 0)),
    ]);
    return { kafka, opensearch };
  });
}

export async function infraStatus(options: LayoutOptions = {}): Promise<InfraStatus> {
  const layout = resolveLayout(options);
  const [kafka, opensearch, artifacts] = await Promise.all([
    serviceStatus(kafkaService(layout, 0)),
    serviceStatus(opensearchService(layout, 0)),
    cached(layout),
  ]);
  return {
    home: layout.home,
    kafka: { ...kafka, brokers: kafkaBrokers(layout), logFile: layout.kafka.logFile },
    opensearch: { ...opensearch, url: opensearchUrl(layout), logFile: layout.opensearch.logFile },
    artifacts,
  };
}

/** Downloads the Maven artifacts into the cache without starting anything (CI warm-up). */
export async function fetchInfraArtifacts(
  options: Pick<EnsureInfraOptions, 'home' | 'onProgress'> = {},
): Promise<FetchedArtifacts & { readonly downloadSeconds: number }> {
  const layout = resolveLayout({ home: options.home });
  return withLock(layout.lockFile, LOCK_TIMEOUT_MS, async () => {
    const java = await detectJava();
    const startedAt = performance.now();
    const artifacts = await fetchArtifacts(layout, java.javac, options.onProgress);
    const downloaded = artifacts.kafka.downloadSeconds + artifacts.opensearch.downloadSeconds > 0;
    return { ...artifacts, downloadSeconds: downloaded ? secondsSince(startedAt) : 0 };
  });
}

async function cached(layout: InfraLayout): Promise<InfraStatus['artifacts']> {
  const [kafka, opensearch] = await Promise.all([cachedArtifact(layout, 'kafka'), cachedArtifact(layout, 'opensearch')]);
  return { kafka, opensearch };
}

function describe(
  layout: InfraLayout,
  run: {
    kafka: number | null;
    opensearch: number | null;
    downloadSeconds: number;
    startedAt: number;
    cached: { kafka: ArtifactInfo | null; opensearch: ArtifactInfo | null };
  },
): InfraInfo {
  return {
    kafkaBrokers: kafkaBrokers(layout),
    opensearchUrl: opensearchUrl(layout),
    startedKafka: run.kafka !== null,
    startedOpenSearch: run.opensearch !== null,
    home: layout.home,
    logFiles: { kafka: layout.kafka.logFile, opensearch: layout.opensearch.logFile },
    timings: {
      downloadSeconds: run.downloadSeconds,
      downloadBytes: { kafka: run.cached.kafka?.bytes ?? 0, opensearch: run.cached.opensearch?.bytes ?? 0 },
      kafkaStartSeconds: run.kafka,
      opensearchStartSeconds: run.opensearch,
      totalSeconds: secondsSince(run.startedAt),
    },
  };
}
