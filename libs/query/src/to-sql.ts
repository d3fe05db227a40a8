import type { QueryAst, QueryClause } from './ast';
import { QueryError, QueryErrorCodes } from './errors';

/**
 * Compiles a parsed query to a parameterised SQLite WHERE expression for the embedded
 * store, with the semantics of `toOpenSearchQuery`:
 * - free text and `message:` match analysed tokens (all of them, or the phrase) in an
 *   FTS5 column whose text was tokenised by `analyzeText`, the standard analyzer's twin;
 * - any other `field:value` is an exact, case-sensitive match: on the field's keyword
 *   tokens (`keywordToken`) in another FTS5 column for the fields the store indexes so,
 *   on the JSON document for the rest (a number matches its numeric value, an array
 *   matches when one element does);
 * - `*` and `?` are wildcards (GLOB; a literal prefix uses the FTS index), `field:*`
 *   means the field has a value, `-` negates.
 * User values only ever travel as bound parameters, field names as bound JSON paths or
 * inside quoted FTS5 strings; the identifiers interpolated into the SQL come from the
 * caller's options and are checked.
 */

/** Fields analysed as text (the twin of TEXT_FIELDS in to-opensearch). */
const TEXT_FIELDS = new Set(['message']);
const FIELD_NAME = /^[A-Za-z_@][A-Za-z0-9_.@-]{0,127}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Longer keyword values are not indexed, like the keyword fields' ignore_above in the OpenSearch template. */
export const MAX_KEYWORD_LENGTH = 2048;

export type SqlValue = string | number | null;

export interface SqlCompileOptions {
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
   * 'separate': the FTS5 conditions are returned as one expression in `match` (when any is
   * positive), for a query that drives from the FTS table.
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

// One token of Lucene's standard tokenizer (UAX #29 word boundaries): letters and digits
// stay joined across '_', across . ' ’ ‘ : · between letters and across . , ; ' ’ ‘ between
// digits; so `192.168.1.10`, `example.com`, `don't` and `user_id` are single tokens.
const TOKEN =
  /(?:[\p{L}\p{N}\p{M}_]|(?<=[\p{L}\p{M}])[.:'’‘·](?=\p{L})|(?<=\p{N})[.,;'’‘](?=\p{N}))+/gu;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;
const IDEOGRAPHIC_OR_REST = /[\p{sc=Han}\p{sc=Hiragana}]|[^\p{sc=Han}\p{sc=Hiragana}]+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_TOKEN_LENGTH = 255;

/**
 * Splits text into lowercase tokens the way OpenSearch's standard analyzer does for the
 * cases logs contain (ASCII words, numbers, addresses, host names; Han and Hiragana one
 * character per token; tokens longer than 255 split). The embedded store indexes
 * `message` with it and the compiler tokenises queries with it, so both sides agree.
 */
export function analyzeText(text: string): string[] {
  return NON_ASCII.test(text) ? analyzeUnicode(text) : analyzeAscii(text);
}

function analyzeUnicode(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const word = match[0];
    if (!HAS_WORD_CHARACTER.test(word)) continue;
    if (NON_ASCII.test(word)) {
      for (const part of word.matchAll(IDEOGRAPHIC_OR_REST)) {
        if (HAS_WORD_CHARACTER.test(part[0])) pushToken(tokens, part[0]);
      }
    } else {
      pushToken(tokens, word);
    }
  }
  return tokens;
}

const enum Ascii {
  Other = 0,
  Letter = 1,
  Digit = 2,
  Underscore = 3,
}

function asciiClass(code: number): Ascii {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return Ascii.Letter;
  if (code >= 48 && code <= 57) return Ascii.Digit;
  return code === 95 ? Ascii.Underscore : Ascii.Other;
}

/** The same rules as TOKEN for ASCII text, without a regular expression: logs are mostly ASCII and this runs per event. */
function analyzeAscii(text: string): string[] {
  const tokens: string[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (asciiClass(text.charCodeAt(i)) === Ascii.Other) {
      i++;
      continue;
    }
    const start = i;
    let hasWordCharacter = false;
    while (i < length) {
      const kind = asciiClass(text.charCodeAt(i));
      if (kind !== Ascii.Other) {
        hasWordCharacter ||= kind !== Ascii.Underscore;
        i++;
        continue;
      }
      const connector = text.charCodeAt(i);
      const before = asciiClass(text.charCodeAt(i - 1));
      const after = i + 1 < length ? asciiClass(text.charCodeAt(i + 1)) : Ascii.Other;
      // . : ' join letters; . , ; ' join digits.
      const joinsLetters = before === Ascii.Letter && after === Ascii.Letter && (connector === 46 || connector === 58 || connector === 39);
      const joinsDigits = before === Ascii.Digit && after === Ascii.Digit && (connector === 46 || connector === 44 || connector === 59 || connector === 39);
      if (!joinsLetters && !joinsDigits) break;
      i++;
    }
    if (hasWordCharacter) pushToken(tokens, text.slice(start, i));
  }
  return tokens;
}

function pushToken(tokens: string[], word: string): void {
  const lower = word.toLowerCase();
  for (let start = 0; start < lower.length; start += MAX_TOKEN_LENGTH) tokens.push(lower.slice(start, start + MAX_TOKEN_LENGTH));
}

/** An FTS5 string literal: inside double quotes every character is text, `"` is doubled. */
function ftsString(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Characters that stand for themselves in a keyword token: printable ASCII but space, A-Z and `~`. */
const PLAIN_KEYWORD = /^[\x21-\x40\x5b-\x7d]*$/;

/**
 * Writes a keyword so that the FTS tokenizer neither splits nor case-folds it, and so
 * that a prefix of the keyword encodes to a prefix of its encoding: `~` escapes an
 * uppercase letter (`~w`), itself (`~~`) and any other character (`~#e9;`).
 */
export function encodeKeyword(text: string): string {
  if (PLAIN_KEYWORD.test(text)) return text;
  let encoded = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code >= 0x41 && code <= 0x5a) encoded += `~${character.toLowerCase()}`;
    else if (code === 0x7e) encoded += '~~';
    else if (code > 0x20 && code < 0x7f) encoded += character;
    else encoded += `~#${code.toString(16)};`;
  }
  return encoded;
}

/** The token standing for `field` having the keyword `value`; a token of the same field with a longer value never starts with it unless the value does. */
export function keywordToken(field: string, value: string): string {
  return `${encodeKeyword(field)}=${encodeKeyword(value)}`;
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

/** GLOB pattern of an OpenSearch wildcard: `*` and `?` stay, `[` (a GLOB class) becomes literal. */
function globPattern(value: string): string {
  return value.replaceAll('[', '[[]');
}

class Compiler {
  readonly params: SqlValue[] = [];
  /** SQL conditions on the document, AND-ed. */
  readonly conditions: string[] = [];
  /** FTS5 expressions every hit matches, and ones no hit matches. */
  readonly positive: string[] = [];
  readonly negative: string[] = [];
  matchesNothing = false;
  private readonly qualifier: string;
  private readonly documentColumn: string;
  private readonly textColumn: string;
  private readonly termColumn: string;

  constructor(private readonly options: SqlCompileOptions) {
    this.qualifier = options.tableAlias ? `${checkIdentifier(options.tableAlias, 'Table alias')}.` : '';
    this.documentColumn = `${this.qualifier}${checkIdentifier(options.documentColumn, 'Document column')}`;
    this.textColumn = checkIdentifier(options.textColumn ?? 'message', 'Text column');
    this.termColumn = checkIdentifier(options.termColumn ?? 'terms', 'Term column');
    checkIdentifier(options.fullTextTable, 'Full-text table');
  }

  add(clause: QueryClause): void {
    const field = clause.field ?? 'message';
    if (!FIELD_NAME.test(field)) {
      throw new QueryError(QueryErrorCodes.badField, `"${field}" is not a field name; field names are letters, digits, '.', '_', '@' and '-'.`, 0);
    }
    if (TEXT_FIELDS.has(field)) this.addText(clause);
    else if (this.options.termFields?.has(field)) this.addTerm(field, clause);
    else this.addCondition(this.documentCondition(field, clause.value, clause.phrase), clause.negated);
  }

  bind(value: SqlValue): string {
    this.params.push(value);
    return '?';
  }

  private addText(clause: QueryClause): void {
    const tokens = analyzeText(clause.value);
    // No token: OpenSearch's match query matches nothing, so the clause fails and its negation holds.
    if (tokens.length === 0) {
      this.matchesNothing ||= !clause.negated;
      return;
    }
    const phrases = clause.phrase ? ftsString(tokens.join(' ')) : tokens.map(ftsString).join(' AND ');
    this.addFullText(`${this.textColumn} : (${phrases})`, clause.negated);
  }

  private addTerm(field: string, clause: QueryClause): void {
    const { value } = clause;
    if (value === '*') {
      this.addFullText(`${this.termColumn} : ${ftsString(`${encodeKeyword(field)}=`)} *`, clause.negated);
      return;
    }
    const wildcard = clause.phrase ? -1 : value.search(/[*?]/);
    if (wildcard < 0) {
      if (value.length > MAX_KEYWORD_LENGTH) this.matchesNothing ||= !clause.negated;
      else this.addFullText(`${this.termColumn} : ${ftsString(keywordToken(field, value))}`, clause.negated);
      return;
    }
    const prefix = `${this.termColumn} : ${ftsString(keywordToken(field, value.slice(0, wildcard)))} *`;
    if (wildcard === value.length - 1 && value.endsWith('*')) {
      this.addFullText(prefix, clause.negated);
      return;
    }
    // The literal prefix narrows the candidates through the FTS index; the document decides.
    if (!clause.negated && wildcard > 0) this.positive.push(prefix);
    this.addCondition(this.documentCondition(field, value, false), clause.negated);
  }

  private addFullText(expression: string, negated: boolean): void {
    (negated ? this.negative : this.positive).push(expression);
  }

  private addCondition(condition: string, negated: boolean): void {
    // A missing field makes a comparison NULL; its negation must then hold, as must_not does.
    this.conditions.push(negated ? `NOT ifnull(${condition}, 0)` : condition);
  }

  private documentCondition(field: string, value: string, phrase: boolean): string {
    const path = jsonPathOf(field);
    if (value === '*') {
      // Like `exists`: some value that is not null, inside arrays and objects too.
      return `EXISTS (SELECT 1 FROM json_tree(${this.documentColumn}, ${this.bind(path)}) AS j WHERE j.type NOT IN ('null', 'array', 'object'))`;
    }
    if (!phrase && /[*?]/.test(value)) {
      return `${this.elements(path)} AND j.type = 'text' AND j.value GLOB ${this.bind(globPattern(value))})`;
    }
    if (NUMBER.test(value) && Number.isFinite(Number(value))) {
      return `${this.elements(path)} AND ((j.type = 'text' AND j.value = ${this.bind(value)}) OR (j.type IN ('integer', 'real') AND j.value = ${this.bind(Number(value))})))`;
    }
    if (value === 'true' || value === 'false') {
      return `${this.elements(path)} AND ((j.type = 'text' AND j.value = ${this.bind(value)}) OR j.type = ${this.bind(value)}))`;
    }
    return `${this.elements(path)} AND j.type = 'text' AND j.value = ${this.bind(value)})`;
  }

  /** Opens an EXISTS over the field's value, or each element when it is an array (never an object's members). */
  private elements(path: string): string {
    return `EXISTS (SELECT 1 FROM json_each(${this.documentColumn}, ${this.bind(path)}) AS j WHERE typeof(j.key) != 'text'`;
  }

  fullTextSubquery(expression: string): string {
    const table = this.options.fullTextTable;
    return `${this.qualifier}rowid IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ${this.bind(expression)})`;
  }
}

function group(expressions: readonly string[], operator: 'AND' | 'OR'): string {
  return expressions.length === 1 ? expressions[0]! : expressions.map((expression) => `(${expression})`).join(` ${operator} `);
}

export function toSqlWhere(ast: QueryAst, options: SqlCompileOptions): SqlQuery {
  const compiler = new Compiler(options);
  for (const clause of ast.clauses) compiler.add(clause);
  if (compiler.matchesNothing) return { where: '0', params: [] };

  let match: string | undefined;
  const conditions = [...compiler.conditions];
  if (compiler.positive.length > 0) {
    match = group(compiler.positive, 'AND');
    if (compiler.negative.length > 0) match = `(${match}) NOT (${group(compiler.negative, 'OR')})`;
    if (options.fullText !== 'separate') {
      conditions.push(compiler.fullTextSubquery(match));
      match = undefined;
    }
  } else if (compiler.negative.length > 0) {
    conditions.push(`NOT (${compiler.fullTextSubquery(group(compiler.negative, 'OR'))})`);
  }
  // Parameters were bound in this order: document conditions first, then full text.
  const where = conditions.length === 0 ? '1' : conditions.map((condition) => `(${condition})`).join(' AND ');
  return { where, params: compiler.params, ...(match === undefined ? {} : { match }) };
}
