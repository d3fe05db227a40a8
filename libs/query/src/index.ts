export type { QueryAst, QueryNode, AndNode, OrNode, NotNode, TermNode, WildcardNode, ExistsNode, RangeNode, RangeBound, MatchAllNode } from './ast';
export { parseQuery, MAX_QUERY_LENGTH, MAX_QUERY_DEPTH, MAX_QUERY_CLAUSES } from './parse-query';
export { printQuery } from './print-query';
export { FIELD_TYPES, DEFAULT_FIELD, fieldType, type FieldType } from './field-types';
export { toOpenSearchQuery, type TimeRange, type CompileOptions } from './to-opensearch';
export { QueryError, QueryErrorCodes, type QueryErrorCode } from './errors';
export { analyzeText, keywordToken, encodeKeyword, MAX_KEYWORD_LENGTH } from './analyze';
export { ipKey } from './values';
export { toSqlWhere, registerSqlFunctions, type SqlFunctionHost, type SqlCompileOptions, type SqlQuery, type SqlValue } from './to-sql';
