/**
 * The enricher the processor runs after parsing: GeoIP, then indicator
 * match, then the asset and identity tables, each only when configured. All
 * files are read and checked in `createEnricher`, which throws an
 * EnrichError at start; after that `enrich` never throws: a stage that
 * fails on one odd event leaves that event as it was and counts the error.
 */
import type { EcsEvent } from '@siem/schema';
import { createLogger, type Logger } from '@siem/telemetry';
import { resolveEnrichConfig, type EnrichConfig } from './config';
import type { ReloadCounts, WatchOptions } from './files/watched-file';
import { createGeoipStage, type GeoipCounts } from './geoip/geoip-stage';
import { createAssetStage, createIdentityStage } from './tables/table-stages';
import { createThreatStage, type ThreatCounts } from './threat/threat-stage';

export interface EnrichStats {
  events: number;
  /** File reloads after start, over all files; a failed one kept the data loaded before. */
  reloads: ReloadCounts;
  /** Events a stage failed on; the event goes on unchanged by that stage. */
  errors: number;
  geoip?: GeoipCounts;
  threatIntel?: ThreatCounts & { feeds: { file: string; format: string; indicators: number; skipped: number }[] };
  assets?: { rows: number; matched: number };
  identities?: { rows: number; matched: number };
}

export interface Enricher {
  /** Adds what is known to the event in place. */
  enrich(event: EcsEvent): void;
  stats(): EnrichStats;
  /** Stops watching the files. */
  close(): void;
}

export interface EnricherDeps {
  readonly logger?: Logger;
}

interface Stage {
  process(event: EcsEvent): void;
  reloads(): ReloadCounts;
  close(): void;
}

export function createEnricher(input: Readonly<Partial<EnrichConfig>> = {}, deps: EnricherDeps = {}): Enricher {
  const config = resolveEnrichConfig(input);
  const logger = (deps.logger ?? createLogger('enrich', 'silent')).child({ stage: 'enrich' });
  const watch: WatchOptions | undefined = config.watchFiles ? { debounceMs: config.reloadDebounceMs, pollMs: config.reloadPollMs, logger } : undefined;
  const stages: Stage[] = [];
  try {
    const geoip = config.geoipEnabled ? createGeoipStage(config, watch) : undefined;
    if (geoip) stages.push(geoip);
    const threat = config.threatIntelFiles.length > 0 ? createThreatStage(config.threatIntelFiles, watch, logger) : undefined;
    if (threat) stages.push(threat);
    const assets = config.assetFile ? createAssetStage(config.assetFile, watch, logger) : undefined;
    if (assets) stages.push(assets);
    const identities = config.identityFile ? createIdentityStage(config.identityFile, watch, logger) : undefined;
    if (identities) stages.push(identities);

    let events = 0;
    let errors = 0;
    let errorLogged = false;
    return {
      enrich(event) {
        events++;
        for (const stage of stages) {
          try {
            stage.process(event);
          } catch (err) {
            errors++;
            // The first one says what goes wrong; the count says how often.
            if (!errorLogged) logger.error({ err }, 'An enrichment stage failed on an event; the event goes on without it. Further failures are only counted.');
            errorLogged = true;
          }
        }
      },
      stats: () => ({
        events,
        errors,
        reloads: stages.map((stage) => stage.reloads()).reduce((sum, counts) => ({ succeeded: sum.succeeded + counts.succeeded, failed: sum.failed + counts.failed }), { succeeded: 0, failed: 0 }),
        ...(geoip && { geoip: geoip.counts() }),
        ...(threat && {
          threatIntel: {
            ...threat.counts(),
            feeds: threat.feeds().map((feed) => ({ file: feed.path, format: feed.format, indicators: feed.indicators.length, skipped: [...feed.skipped.values()].reduce((a, b) => a + b, 0) })),
          },
        }),
        ...(assets && { assets: assets.counts() }),
        ...(identities && { identities: identities.counts() }),
      }),
      close() {
        for (const stage of stages) stage.close();
      },
    };
  } catch (error) {
    for (const stage of stages) stage.close();
    throw error;
  }
}
