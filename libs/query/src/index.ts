export type { QueryAst, QueryClause } from './ast';
export { parseQuery, MAX_QUERY_LENGTH } from './parse-query';
export { toOpenSearchQuery, type TimeRange } from './to-opensearch';
export { QueryError, QueryErrorCodes, type QueryErrorCode } from './errors';
export { toSqlWhere, analyzeText, keywordToken, encodeKeyword, MAX_KEYWORD_LENGTH, type SqlCompileOptions, type SqlQuery, type SqlValue } from './to-sql';
