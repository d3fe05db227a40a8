export {
  parseEdgeConfig,
  readEdgeConfigFile,
  EMPTY_EDGE_CONFIG,
  EdgePipelinesSchema,
  type EdgePipelinesConfig,
  type EdgeStage,
  type InputPipeline,
  type DropStage,
  type SampleStage,
  type AggregateStage,
} from './edge-config';
export { EdgePipelines, EDGE_MODULE, EDGE_SUMMARY_INPUT, type EdgeCounts, type EdgeObserver } from './edge-pipelines';
export { compileEventQuery, queryFields, type EventPredicate, type RecordView, type FieldLookup } from './event-query';
export { EdgeConfigError, EdgeErrorCodes, type EdgeErrorCode } from './errors';
export {
  PriorityClassifier,
  PriorityRulesSchema,
  parsePriorityRules,
  readPriorityRulesFile,
  type ClassifiedRecords,
  type PriorityRule,
  type PriorityRulesConfig,
} from './priority';
