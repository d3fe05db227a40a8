export { ensureInfra, fetchInfraArtifacts, infraStatus, stopInfra } from './infra';
export type { EnsureInfraOptions, InfraInfo, InfraStatus, InfraTimings, StopResult } from './infra';
export type { LayoutOptions } from './layout';
export { DEFAULT_KAFKA_PORT, DEFAULT_OPENSEARCH_PORT } from './layout';
export { InfraError, InfraErrorCodes } from './errors';
export type { InfraErrorCode } from './errors';
