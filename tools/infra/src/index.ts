export { ensureInfra, fetchInfraArtifacts, infraStatus, stopInfra } from './infra';
export type { EnsureInfraOptions, InfraInfo, InfraStatus, InfraTimings, StopResult } from './infra';
export type { LayoutOptions } from './layout';
export { scratchKafka, type ScratchKafka, type ScratchKafkaOptions } from './scratch-kafka';
export { DEFAULT_KAFKA_PORT, DEFAULT_OPENSEARCH_PORT } from './layout';
export { InfraError, InfraErrorCodes } from './errors';
export type { InfraErrorCode } from './errors';
