export { createEnricher, type Enricher, type EnricherDeps, type EnrichStats } from './enricher';
export { EnrichConfigSchema, resolveEnrichConfig, type EnrichConfig } from './config';
export { EnrichError, EnrichErrorCodes, type EnrichErrorCode } from './errors';
export { BUNDLED_DATABASE_PACKAGE, bundledDatabasePath } from './geoip/geo-database';
export { GEOIP_FIELDS } from './geoip/geoip-stage';
export { readFeed, type Feed, type FeedFormat } from './threat/read-feed';
export type { Indicator, IndicatorType } from './threat/indicator';
