import { MAX_KEYWORD_LENGTH, analyzeText, encodeKeyword, keywordToken } from './analyze';
import type { QueryAst, QueryNode, RangeNode } from './ast';
import { QueryError, QueryErrorCodes } from './errors';
import { DEFAULT_FIELD, fieldType } from './field-types';
import { FIELD_NAME } from './parse-query';
import type { CompileOptions } from './to-opensearch';
import { dateSpan, ipKey, ipSpan, numberOf } from './values';
import { globOf, isPrefixPattern, literalPrefix } from './wildcard';

/**
 * Compiles a parsed query to a parameterised SQLite WHERE expression for the embedded
 * store, with the semantics of `toOpenSearchQuery`:
 * - free text and `message:` match analysed tokens (all of them, the phrase, or a word's
 *   start) in an FTS5 column whose text was tokenised by `analyzeText`, the standard analyzer's twin;
 * - keyword fields match exactly and case-sensitively: on the field's keyword tokens
 *   (`keywordToken`) in another FTS5 column for the fields the store indexes so, on the
 *   JSON document for the rest (a number matches its numeric value, an array matches
 *   when one element does); their ranges compare strings by code point, as Lucene does;
 * - number, date and ip fields compare values: numbers numerically, dates as instants
 *   (a date stands for its span: `2026-12-04` is the whole day), addresses through
 *   `siem_ip_key` (see `registerSqlFunctions`), so CIDR blocks are key ranges;
 * - `*` and `?` are wildcards (GLOB; a literal prefix uses the FTS index), `field:*`
 *   means the field has a value; AND, OR and NOT nest as in the query, and a negation
 *   holds for documents without the field, as OpenSearch's must_not does.
 * User values only ever travel as bound parameters, field names as bound JSON paths or
 * inside quoted FTS5 strings; the identifiers interpolated into the SQL come from the
 * caller's options and are checked.
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SqlValue = string | number | null;

export interface SqlCompileOptions extends CompileOptions {
  /** The column holding the event as JSON text. */
  readonly documentColumn: string;
  /** The FTS5 table whose rowid is the event row's rowid. */
  readonly fullTextTable: string;
  /** Its column holding `analyzeText(message)`; default `message`. */
  readonly textColumn?: string;
  /** Its column holding the `keywordToken`s of the `termFields`; default `terms`. */
  readonly termColumn?: string;
  /** The fields whose every scalar value (up to MAX_KEYWORD_LENGTH characters) the store put in the term column. */
  readonly termFields?: ReadonlySet<string>;
  /** Qualifies every column reference (`e.doc`), for a query that joins the FTS table. */
  readonly tableAlias?: string;
  /**
   * 'subquery' (default): full-text conditions are `rowid IN (SELECT … MATCH ?)` inside `where`.
   * 'separate': the FTS5 conditions that every hit must meet are returned as one expression
   * in `match` (when there is one), for a query that drives from the FTS table.
   */
  readonly fullText?: 'subquery' | 'separate';
}

export interface SqlQuery {
  /** A boolean SQL expression over the events table; `1` when every row matches, `0` when none does. */
  readonly where: string;
  readonly params: readonly SqlValue[];
  /** With `fullText: 'separate'`: the FTS5 MATCH expression every hit must also satisfy. */
  readonly match?: string;
}

/** The SQL function that turns an address into its sortable key; the connection running the query must have it. */
const IP_KEY_FUNCTION = 'siem_ip_key';

/** The part of better-sqlite3's Database that registers a function. */
export interface SqlFunctionHost {
  function(name: string, options: { deterministic: boolean }, implementation: (value: unknown) => string | null): unknown;
}

/** Registers the SQL functions compiled queries call (`siem_ip_key`) on a connection. */
export function registerSqlFunctions(db: SqlFunctionHost): void {
  db.function(IP_KEY_FUNCTION, { deterministic: true }, (value) => (typeof value === 'string' ? (ipKey(value) ?? null) : null));
}

/**
 * A compiled node: a SQL boolean (never NULL) with its parameters, or a constant; `fts`
 * is the same condition as a positive FTS5 expression when it has one, `notFts` the
 * condition's negation so expressed (FTS5 has only a binary NOT), `hint` an FTS5
 * expression every match also meets.
 */
interface Fragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
  readonly constant?: boolean;
  readonly fts?: string;
  readonly notFts?: string;
  readonly hint?: string;
  /** For an AND, its parts, so a query that drives from the FTS table can pick the full-text ones. */
  readonly parts?: readonly Fragment[];
}

const TRUE: Fragment = { sql: '1', params: [], constant: true };
const FALSE: Fragment = { sql: '0', params: [], constant: false };

/** An FTS5 string literal: inside double quotes every character is text, `"` is doubled. */
function ftsString(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A JSON path that names the field's object keys; `"` cannot occur because the name was checked. */
function jsonPathOf(field: string): string {
  return `$${field
    .split('.')
    .map((key) => `."${key}"`)
    .join('')}`;
}

function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`${what} "${name}" is not a plain SQL identifier.`);
  return name;
}

/** Expressions joined in a flat run up to this many, in a balanced tree beyond: SQLite refuses expressions nested over 1000 deep. */
const FLAT_GROUP = 64;

function group(expressions: readonly string[], operator: 'AND' | 'OR'): string {
  if (expressions.length === 1) return expressions[0]!;
  if (expressions.length <= FLAT_GROUP) return expressions.map((expression) => `(${expression})`).join(` ${operator} `);
  const middle = Math.ceil(expressions.length / 2);
  return `(${group(expressions.slice(0, middle), operator)}) ${operator} (${group(expressions.slice(middle), operator)})`;
}

// The value of an element `j` of json_each, read as a number, an instant in epoch milliseconds, or an address key.
const NUMERIC = `(j.type IN ('integer', 'real') OR (j.type = 'text' AND j.value GLOB '*[0-9]*' AND j.value NOT GLOB '*[^0-9.eE+-]*'))`;
const NUMBER_VALUE = 'CAST(j.value AS REAL)';
const DATE_VALUE = `(CASE WHEN j.type = 'text' THEN round(unixepoch(j.value, 'subsec') * 1000) WHEN j.type IN ('integer', 'real') THEN j.value END)`;
const IP_VALUE = `${IP_KEY_FUNCTION}(j.value)`;

class Compiler {
  private readonly qualifier: string;
  private readonly documentColumn: string;
  private readonly textColumn: string;
  private readonly termColumn: string;
  private readonly now: number;

  constructor(private readonly options: SqlCompileOptions) {
    this.qualifier = options.tableAlias ? `${checkIdentifier(options.tableAlias, 'Table alias')}.` : '';
    this.documentColumn = `${this.qualifier}${checkIdentifier(options.documentColumn, 'Document column')}`;
    this.textColumn = checkIdentifier(options.textColumn ?? 'message', 'Text column');
    this.termColumn = checkIdentifier(options.termColumn ?? 'terms', 'Term column');
    checkIdentifier(options.fullTextTable, 'Full-text table');
    this.now = options.now ?? Date.now();
  }

  compile(node: QueryNode): Fragment {
    switch (node.kind) {
      case 'all':
        return TRUE;
      case 'not':
        return this.not(this.compile(node.child));
      case 'and':
        return this.and(node.children.map((child) => this.compile(child)));
      case 'or':
        return this.or(node.children.map((child) => this.compile(child)));
      default:
        return this.leaf(node);
    }
  }

  fullTextSubquery(expression: string): Fragment {
    const table = this.options.fullTextTable;
    return { sql: `${this.qualifier}rowid IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ?)`, params: [expression] };
  }

  private not(child: Fragment): Fragment {
    if (child.constant !== undefined) return child.constant ? FALSE : TRUE;
    return { sql: `NOT (${child.sql})`, params: child.params, ...(child.fts === undefined ? {} : { notFts: child.fts }) };
  }

  /** Full-text parts merge into one MATCH (`(a AND b) NOT (c OR d)`): one index lookup instead of one subquery each. */
  private and(children: readonly Fragment[]): Fragment {
    if (children.some((child) => child.constant === false)) return FALSE;
    const parts = children.filter((child) => child.constant === undefined);
    if (parts.length === 0) return TRUE;
    if (parts.length === 1) return parts[0]!;
    const positive = parts.filter((part) => part.fts !== undefined).map((part) => part.fts!);
    const negative = parts.filter((part) => part.notFts !== undefined).map((part) => part.notFts!);
    const others = parts.filter((part) => part.fts === undefined && part.notFts === undefined);
    const merged: Fragment[] = [];
    if (positive.length > 0) {
      const fts = group(positive, 'AND');
      merged.push(this.fullText(negative.length > 0 ? `(${fts}) NOT (${group(negative, 'OR')})` : fts));
    } else if (negative.length > 0) {
      merged.push(this.not(this.fullText(group(negative, 'OR'))));
    }
    const all = [...merged, ...others];
    if (all.length === 1) return all[0]!;
    return { sql: group(all.map((part) => part.sql), 'AND'), params: all.flatMap((part) => part.params), parts: all };
  }

  private or(children: readonly Fragment[]): Fragment {
    if (children.some((child) => child.constant === true)) return TRUE;
    const parts = children.filter((child) => child.constant === undefined);
    if (parts.length === 0) return FALSE;
    if (parts.length === 1) return parts[0]!;
    const positive = parts.filter((part) => part.fts !== undefined).map((part) => part.fts!);
    const others = parts.filter((part) => part.fts === undefined);
    const all = positive.length > 0 ? [this.fullText(group(positive, 'OR')), ...others] : others;
    if (all.length === 1) return all[0]!;
    return { sql: group(all.map((part) => part.sql), 'OR'), params: all.flatMap((part) => part.params) };
  }

  private fullText(expression: string): Fragment {
    return { ...this.fullTextSubquery(expression), fts: expression };
  }

  private leaf(node: QueryNode & { kind: 'term' | 'wildcard' | 'exists' | 'range' }): Fragment {
    const field = node.field ?? DEFAULT_FIELD;
    if (!FIELD_NAME.test(field)) {
      throw new QueryError(QueryErrorCodes.badField, `"${field}" is not a field name; field names are letters, digits, '.', '_', '@' and '-'.`, 0);
    }
    const type = fieldType(field);
    if (node.kind === 'exists') return this.exists(field);
    if (type === 'text') return this.text(field, node);
    if (type === 'number') return this.number(field, node);
    if (type === 'date') return this.date(field, node);
    if (type === 'ip') return this.ip(field, node);
    return this.keyword(field, node);
  }

  private exists(field: string): Fragment {
    if (this.isTermField(field)) return this.fullText(`${this.termColumn} : ${ftsString(`${encodeKeyword(field)}=`)} *`);
    // Like `exists`: some value that is not null, inside arrays and objects too.
    return {
      sql: `EXISTS (SELECT 1 FROM json_tree(${this.documentColumn}, ?) AS j WHERE j.type NOT IN ('null', 'array', 'object'))`,
      params: [jsonPathOf(field)],
    };
  }

  private text(field: string, node: QueryNode & { kind: 'term' | 'wildcard' | 'range' }): Fragment {
    if (node.kind === 'range') throw unsupported(field, 'a range');
    if (node.kind === 'wildcard') {
      if (!isPrefixPattern(node.pattern)) throw unsupported(field, `the wildcard ${node.pattern}`);
      return this.fullText(`${this.textColumn} : ${ftsString(literalPrefix(node.pattern).toLowerCase())} *`);
    }
    const tokens = analyzeText(node.value);
    // No token: OpenSearch's match query matches nothing.
    if (tokens.length === 0) return FALSE;
    const phrases = node.phrase ? ftsString(tokens.join(' ')) : tokens.map(ftsString).join(' AND ');
    return this.fullText(`${this.textColumn} : (${phrases})`);
  }

  private keyword(field: string, node: QueryNode & { kind: 'term' | 'wildcard' | 'range' }): Fragment {
    if (node.kind === 'range') return this.keywordRange(field, node);
    if (node.kind === 'wildcard') {
      const prefix = literalPrefix(node.pattern);
      const condition = this.elements(field, `j.type = 'text' AND j.value GLOB ?`, [globOf(node.pattern)]);
      if (!this.isTermField(field)) return condition;
      const prefixExpression = `${this.termColumn} : ${ftsString(keywordToken(field, prefix))} *`;
      if (isPrefixPattern(node.pattern)) return this.fullText(prefixExpression);
      // The literal prefix narrows the candidates through the FTS index; the document decides.
      return prefix === '' ? condition : { ...condition, hint: prefixExpression };
    }
    const { value } = node;
    // Longer values are not indexed, like ignore_above in OpenSearch.
    if (value.length > MAX_KEYWORD_LENGTH) return FALSE;
    if (this.isTermField(field)) return this.fullText(`${this.termColumn} : ${ftsString(keywordToken(field, value))}`);
    const number = numberOf(value);
    if (number !== undefined) return this.elements(field, `((j.type = 'text' AND j.value = ?) OR (j.type IN ('integer', 'real') AND j.value = ?))`, [value, number]);
    if (value === 'true' || value === 'false') return this.elements(field, `((j.type = 'text' AND j.value = ?) OR j.type = ?)`, [value, value]);
    return this.elements(field, `j.type = 'text' AND j.value = ?`, [value]);
  }

  /** Strings compare by code point; with numeric bounds, numbers compare as numbers (a field OpenSearch mapped as a number). */
  private keywordRange(field: string, node: RangeNode): Fragment {
    const text = this.comparisons('j.value', node, (value) => value);
    const lower = node.lower === undefined ? undefined : numberOf(node.lower.value);
    const upper = node.upper === undefined ? undefined : numberOf(node.upper.value);
    const numeric = (node.lower === undefined || lower !== undefined) && (node.upper === undefined || upper !== undefined);
    if (!numeric) return this.elements(field, `j.type = 'text' AND ${text.sql}`, text.params);
    const number = this.comparisons('j.value', node, (value) => numberOf(value)!);
    return this.elements(field, `((j.type = 'text' AND ${text.sql}) OR (j.type IN ('integer', 'real') AND ${number.sql}))`, [...text.params, ...number.params]);
  }

  private number(field: string, node: QueryNode & { kind: 'term' | 'wildcard' | 'range' }): Fragment {
    if (node.kind === 'wildcard') throw unsupported(field, 'a wildcard');
    if (node.kind === 'term') return this.elements(field, `${NUMERIC} AND ${NUMBER_VALUE} = ?`, [numberOf(node.value)!]);
    const bounds = this.comparisons(NUMBER_VALUE, node, (value) => numberOf(value)!);
    return this.elements(field, `${NUMERIC} AND ${bounds.sql}`, bounds.params);
  }

  private date(field: string, node: QueryNode & { kind: 'term' | 'wildcard' | 'range' }): Fragment {
    if (node.kind === 'wildcard') throw unsupported(field, 'a wildcard');
    const span = (value: string) => dateSpan(value, this.now)!;
    if (node.kind === 'term') return this.elements(field, `${DATE_VALUE} BETWEEN ? AND ?`, [...span(node.value)]);
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (node.lower) {
      conditions.push(`${DATE_VALUE} ${node.lower.inclusive ? '>=' : '>'} ?`);
      params.push(span(node.lower.value)[node.lower.inclusive ? 0 : 1]);
    }
    if (node.upper) {
      conditions.push(`${DATE_VALUE} ${node.upper.inclusive ? '<=' : '<'} ?`);
      params.push(span(node.upper.value)[node.upper.inclusive ? 1 : 0]);
    }
    return this.elements(field, conditions.join(' AND '), params);
  }

  private ip(field: string, node: QueryNode & { kind: 'term' | 'wildcard' | 'range' }): Fragment {
    if (node.kind === 'wildcard') throw unsupported(field, 'a wildcard');
    if (node.kind === 'term') {
      const [low, high] = ipSpan(node.value)!;
      return low === high
        ? this.elements(field, `j.type = 'text' AND ${IP_VALUE} = ?`, [low])
        : this.elements(field, `j.type = 'text' AND ${IP_VALUE} BETWEEN ? AND ?`, [low, high]);
    }
    const bounds = this.comparisons(IP_VALUE, node, (value) => ipKey(value)!);
    return this.elements(field, `j.type = 'text' AND ${bounds.sql}`, bounds.params);
  }

  private comparisons(expression: string, node: RangeNode, convert: (value: string) => SqlValue): { sql: string; params: SqlValue[] } {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (node.lower) {
      conditions.push(`${expression} ${node.lower.inclusive ? '>=' : '>'} ?`);
      params.push(convert(node.lower.value));
    }
    if (node.upper) {
      conditions.push(`${expression} ${node.upper.inclusive ? '<=' : '<'} ?`);
      params.push(convert(node.upper.value));
    }
    return { sql: conditions.join(' AND '), params };
  }

  /** Whether some value of the field, or some element when it is an array (never an object's members), meets the condition on `j`. */
  private elements(field: string, condition: string, params: readonly SqlValue[]): Fragment {
    return {
      sql: `EXISTS (SELECT 1 FROM json_each(${this.documentColumn}, ?) AS j WHERE typeof(j.key) != 'text' AND ${condition})`,
      params: [jsonPathOf(field), ...params],
    };
  }

  private isTermField(field: string): boolean {
    return this.options.termFields?.has(field) === true;
  }
}

function unsupported(field: string, what: string): QueryError {
  return new QueryError(QueryErrorCodes.badValue, `The ${fieldType(field)} field ${field} does not take ${what}.`, 0);
}

/** The `match` and `where` of a query that drives from the FTS table: the full-text parts every hit meets go to `match`. */
function separate(root: Fragment): SqlQuery {
  if (root.fts !== undefined) return { where: '1', params: [], match: root.fts };
  const parts = root.parts ?? [root];
  const positive = parts.filter((part) => part.fts !== undefined);
  const hints = parts.filter((part) => part.hint !== undefined).map((part) => part.hint!);
  const rest = parts.filter((part) => part.fts === undefined && !(positive.length > 0 && part.notFts !== undefined));
  if (positive.length === 0 && hints.length === 0) return { where: root.sql, params: root.params };
  let match = group([...positive.map((part) => part.fts!), ...hints], 'AND');
  const negative = parts.filter((part) => part.notFts !== undefined).map((part) => part.notFts!);
  if (positive.length > 0 && negative.length > 0) match = `(${match}) NOT (${group(negative, 'OR')})`;
  if (rest.length === 0) return { where: '1', params: [], match };
  return { where: group(rest.map((part) => part.sql), 'AND'), params: rest.flatMap((part) => part.params), match };
}

export function toSqlWhere(ast: QueryAst, options: SqlCompileOptions): SqlQuery {
  const compiler = new Compiler(options);
  const root = compiler.compile(ast.root);
  if (root.constant !== undefined) return { where: root.constant ? '1' : '0', params: [] };
  if (options.fullText === 'separate') return separate(root);
  // One MATCH for a query that is all full text.
  const query = root.fts === undefined ? root : compiler.fullTextSubquery(root.fts);
  return { where: query.sql, params: query.params };
}
