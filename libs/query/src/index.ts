export type { QueryAst, QueryClause } from './ast';
export { parseQuery, MAX_QUERY_LENGTH } from './parse-query';
export { toOpenSearchQuery, type TimeRange } from './to-opensearch';
export { QueryError, QueryErrorCodes, type QueryErrorCode } from './errors';
