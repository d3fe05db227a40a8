import { analyzeText } from './analyze';
import type { QueryAst, QueryNode, RangeBound } from './ast';
import { QueryError, QueryErrorCodes } from './errors';
import { DEFAULT_FIELD, fieldType } from './field-types';
import { dateSpan, ipKey, ipSpan, numberOf } from './values';
import { isPrefixPattern, literalPrefix } from './wildcard';

export const MAX_QUERY_LENGTH = 4096;
/** Parentheses and negations nested deeper than this are refused. */
export const MAX_QUERY_DEPTH = 32;
/** Field tests per query; OpenSearch refuses a bool query with more than 1024 clauses. */
export const MAX_QUERY_CLAUSES = 1024;
export const FIELD_NAME = /^[A-Za-z_@][A-Za-z0-9_.@-]{0,127}$/;

const MATCH_ALL: QueryNode = { kind: 'all' };
const OPERATORS: ReadonlyMap<string, 'and' | 'or' | 'not'> = new Map([
  ['AND', 'and'],
  ['&&', 'and'],
  ['OR', 'or'],
  ['||', 'or'],
  ['NOT', 'not'],
]);

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/** Ends a word: a space, a parenthesis, a quote, or the end. */
function isBoundary(char: string | undefined): boolean {
  return char === undefined || isSpace(char) || char === '(' || char === ')' || char === '"';
}

function describe(char: string | undefined): string {
  return char === undefined ? 'the end of the query' : `'${char}'`;
}

interface Word {
  /** The characters, escapes removed. */
  readonly value: string;
  /** The characters with `*`, `?` and `\` escaped where they were, for a wildcard pattern. */
  readonly pattern: string;
  readonly wildcard: boolean;
}

/**
 * A recursive-descent parser of the Lucene query string syntax, in one pass: every step
 * consumes input or stops, so the time is linear in the query's length, and nesting is
 * bounded so the recursion is too. Precedence: NOT (`NOT`, `!`, `-`) over AND (`AND`,
 * `&&`, or nothing between two terms) over OR (`OR`, `||`).
 */
class Parser {
  private pos = 0;
  private depth = 0;
  private clauses = 0;

  constructor(private readonly input: string) {}

  parse(): QueryNode {
    this.skipSpace();
    if (this.pos >= this.input.length) return MATCH_ALL;
    const node = this.parseOr(undefined);
    if (this.pos < this.input.length) {
      throw this.syntax(`Unexpected ')' at position ${this.pos}: no '(' before it is open; remove it or escape it as \\).`, this.pos);
    }
    return node;
  }

  /** `field` is set inside `field:( … )`, where every term is a value of that field. */
  private parseOr(field: string | undefined): QueryNode {
    const children = [this.parseAnd(field)];
    for (let operator = this.operatorHere(); operator?.kind === 'or'; operator = this.operatorHere()) {
      const at = this.pos;
      this.pos += operator.text.length;
      children.push(this.parseAnd(field, `${operator.text} at position ${at}`));
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private parseAnd(field: string | undefined, after?: string): QueryNode {
    const children = [this.parseUnary(field, after)];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.input.length || this.input[this.pos] === ')') break;
      const operator = this.operatorHere();
      if (operator?.kind === 'or') break;
      if (operator?.kind === 'and') {
        const at = this.pos;
        this.pos += operator.text.length;
        children.push(this.parseUnary(field, `${operator.text} at position ${at}`));
      } else {
        children.push(this.parseUnary(field));
      }
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private parseUnary(field: string | undefined, after?: string): QueryNode {
    this.skipSpace();
    const start = this.pos;
    const char = this.input[start];
    if (char === undefined || char === ')') {
      throw this.syntax(`Expected a term at position ${start}${after ? ` (after ${after})` : ''}, found ${describe(char)}.`, start);
    }
    const operator = this.operatorHere();
    if (operator?.kind === 'and' || operator?.kind === 'or') {
      throw this.syntax(
        `Expected a term at position ${start}${after ? ` (after ${after})` : ''}, found the operator ${operator.text}; to search for the word, quote it ("${operator.text}").`,
        start,
      );
    }
    if (operator?.kind === 'not' || char === '!') {
      this.pos += operator ? operator.text.length : 1;
      return this.negated(start, () => this.parseUnary(field, `${operator?.text ?? '!'} at position ${start}`));
    }
    const next = this.input[start + 1];
    if ((char === '-' || char === '+') && !isSpace(next) && next !== undefined && next !== ')') {
      this.pos++;
      return char === '-' ? this.negated(start, () => this.parsePrimary(field)) : this.parsePrimary(field);
    }
    return this.parsePrimary(field);
  }

  private negated(start: number, parseChild: () => QueryNode): QueryNode {
    this.enter(start);
    const child = parseChild();
    this.depth--;
    return { kind: 'not', child };
  }

  private parsePrimary(field: string | undefined): QueryNode {
    const start = this.pos;
    if (this.input[start] === '(') return this.parseGroup(field);
    if (field === undefined && this.input.startsWith('*:*', start) && isBoundary(this.input[start + 3])) {
      // Lucene's match-all.
      this.pos += 3;
      return MATCH_ALL;
    }
    if (field === undefined && this.input[start] !== '"') {
      const named = this.fieldHere();
      if (named !== undefined) return this.parseFieldValue(named, start);
    }
    return this.parseValue(field);
  }

  private parseGroup(field: string | undefined): QueryNode {
    const start = this.pos;
    this.enter(start);
    this.pos++;
    this.skipSpace();
    if (this.input[this.pos] === ')') throw this.syntax(`The group opened at position ${start} is empty; put a term between the parentheses.`, this.pos);
    const node = this.parseOr(field);
    if (this.input[this.pos] !== ')') {
      throw this.syntax(`Expected ')' at position ${this.pos} to close the '(' at position ${start}, found ${describe(this.input[this.pos])}.`, this.pos);
    }
    this.pos++;
    this.depth--;
    return node;
  }

  /** After `field:`: a group of values, a range, a comparison, a phrase or a word. */
  private parseFieldValue(field: string, fieldStart: number): QueryNode {
    const at = this.pos;
    const char = this.input[at];
    if (char === undefined || isSpace(char) || char === ')') {
      throw this.syntax(`The field ${field} at position ${fieldStart} has no value at position ${at}; write ${field}:value or ${field}:"a phrase".`, at);
    }
    if (fieldType(field) === 'unindexed') {
      throw new QueryError(QueryErrorCodes.badField, `The field ${field} at position ${fieldStart} is stored but not indexed, so it cannot be searched; search message or the parsed fields instead.`, fieldStart);
    }
    return char === '(' ? this.parseGroup(field) : this.parseValue(field);
  }

  /** A value of `field` (free text when undefined). */
  private parseValue(field: string | undefined): QueryNode {
    const start = this.pos;
    const char = this.input[start];
    if (char === '"') return this.leaf({ kind: 'term', field, value: this.readPhrase(), phrase: true }, start);
    if (field !== undefined && (char === '[' || char === '{')) return this.parseRange(field);
    if (field !== undefined && (char === '>' || char === '<')) return this.parseComparison(field);
    const word = this.readWord(false);
    if (word.pattern === '*') return field === undefined ? MATCH_ALL : this.leaf({ kind: 'exists', field }, start);
    if (word.wildcard) return this.leaf({ kind: 'wildcard', field, pattern: word.pattern }, start);
    return this.leaf({ kind: 'term', field, value: word.value, phrase: false }, start);
  }

  private parseRange(field: string): QueryNode {
    const start = this.pos;
    const lowerInclusive = this.input[start] === '[';
    this.pos++;
    const lower = this.readBound(start);
    this.skipSpace();
    if (!this.input.startsWith('TO', this.pos) || !isSpace(this.input[this.pos + 2])) {
      throw this.syntax(`Expected TO at position ${this.pos} in the range opened at position ${start}, found ${describe(this.input[this.pos])}; write ${field}:[from TO to].`, this.pos);
    }
    this.pos += 2;
    const upper = this.readBound(start);
    this.skipSpace();
    const close = this.input[this.pos];
    if (close !== ']' && close !== '}') {
      throw this.syntax(`Expected ']' or '}' at position ${this.pos} to close the range opened at position ${start}, found ${describe(close)}.`, this.pos);
    }
    this.pos++;
    if (lower === undefined && upper === undefined) return this.leaf({ kind: 'exists', field }, start);
    return this.leaf(
      {
        kind: 'range',
        field,
        ...(lower === undefined ? {} : { lower: { value: lower, inclusive: lowerInclusive } }),
        ...(upper === undefined ? {} : { upper: { value: upper, inclusive: close === ']' } }),
      },
      start,
    );
  }

  /** One end of a range: a value, a phrase, or `*` for open. */
  private readBound(rangeStart: number): string | undefined {
    this.skipSpace();
    const at = this.pos;
    const char = this.input[at];
    if (char === '"') return this.readPhrase();
    const word = this.readWord(true);
    if (word.pattern === '*') return undefined;
    if (word.value === '') throw this.syntax(`Expected a value at position ${at} in the range opened at position ${rangeStart}, found ${describe(char)}.`, at);
    if (word.wildcard) throw badValue(`The range bound "${word.value}" at position ${at} has a wildcard; a bound is a plain value, or * for no bound.`, at);
    return word.value;
  }

  private parseComparison(field: string): QueryNode {
    const start = this.pos;
    let operator = this.input[start]!;
    this.pos++;
    if (this.input[this.pos] === '=') {
      operator += '=';
      this.pos++;
    }
    const at = this.pos;
    const char = this.input[at];
    if (isBoundary(char) && char !== '"') {
      throw this.syntax(`Expected a value after ${field}:${operator} at position ${at}, found ${describe(char)}.`, at);
    }
    let value: string;
    if (char === '"') {
      value = this.readPhrase();
    } else {
      const word = this.readWord(false);
      if (word.wildcard) throw badValue(`The value "${word.value}" at position ${at} has a wildcard; ${field}:${operator} compares with a plain value.`, at);
      value = word.value;
    }
    const bound: RangeBound = { value, inclusive: operator.length === 2 };
    return this.leaf(operator.startsWith('>') ? { kind: 'range', field, lower: bound } : { kind: 'range', field, upper: bound }, start);
  }

  /** At `name:` (name not starting with a digit, so `10.0.0.1:80` stays text): the field name, with the position after the colon. */
  private fieldHere(): string | undefined {
    const input = this.input;
    let i = this.pos;
    while (i < input.length && !isBoundary(input[i]) && input[i] !== ':' && input[i] !== '\\') i++;
    if (input[i] !== ':') return undefined;
    const name = input.slice(this.pos, i);
    if (name === '') {
      throw this.syntax(`The ':' at position ${i} has no field name before it; write field:value, or escape the colon (\\:) to search for it.`, i);
    }
    if (/^\d/.test(name)) return undefined;
    if (!FIELD_NAME.test(name)) {
      throw new QueryError(QueryErrorCodes.badField, `"${name}" at position ${this.pos} is not a field name; field names are letters, digits, '.', '_', '@' and '-'.`, this.pos);
    }
    this.pos = i + 1;
    return name;
  }

  private operatorHere(): { kind: 'and' | 'or' | 'not'; text: string } | undefined {
    this.skipSpace();
    let end = this.pos;
    // No operator is longer than three characters: stop looking there, so each check costs little.
    while (end < this.input.length && end - this.pos < 4 && !isBoundary(this.input[end])) end++;
    const text = this.input.slice(this.pos, end);
    const kind = OPERATORS.get(text);
    return kind && isBoundary(this.input[end]) ? { kind, text } : undefined;
  }

  /** A run of characters up to a space, parenthesis or quote (in a range also `]` and `}`); `\` escapes the next one. */
  private readWord(inRange: boolean): Word {
    const input = this.input;
    const start = this.pos;
    let value = '';
    let pattern = '';
    let wildcard = false;
    let i = start;
    while (i < input.length) {
      const char = input[i]!;
      if (isBoundary(char) || (inRange && (char === ']' || char === '}'))) break;
      if (char === '\\' && i + 1 < input.length) {
        const escaped = input[i + 1]!;
        value += escaped;
        pattern += escaped === '*' || escaped === '?' || escaped === '\\' ? `\\${escaped}` : escaped;
        i += 2;
        continue;
      }
      if (char === '*' || char === '?') wildcard = true;
      value += char;
      pattern += char === '\\' ? '\\\\' : char;
      i++;
    }
    if (input[i] === '"' && i > start) {
      throw this.syntax(`Unexpected quote at position ${i}; put a space before a quoted phrase or escape the quote with a backslash.`, i);
    }
    this.pos = i;
    return { value, pattern, wildcard };
  }

  private readPhrase(): string {
    const input = this.input;
    const start = this.pos;
    let text = '';
    let i = start + 1;
    while (i < input.length) {
      const char = input[i]!;
      if (char === '\\' && i + 1 < input.length) {
        text += input[i + 1];
        i += 2;
        continue;
      }
      if (char === '"') {
        this.pos = i + 1;
        return text;
      }
      text += char;
      i++;
    }
    throw this.syntax(`The quote opened at position ${start} is never closed; close it or escape it with a backslash.`, start);
  }

  /** Counts a field test and checks its value against the field's type. */
  private leaf(node: QueryNode, start: number): QueryNode {
    if (++this.clauses > MAX_QUERY_CLAUSES) {
      throw new QueryError(QueryErrorCodes.tooComplex, `The query has more than ${MAX_QUERY_CLAUSES} terms (the one at position ${start} is over); split it into several searches.`, start);
    }
    checkTyped(node, start);
    return node;
  }

  private enter(start: number): void {
    if (++this.depth > MAX_QUERY_DEPTH) {
      throw new QueryError(QueryErrorCodes.tooComplex, `The query nests parentheses and negations more than ${MAX_QUERY_DEPTH} deep at position ${start}; write it flatter.`, start);
    }
  }

  private skipSpace(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
  }

  private syntax(message: string, position: number): QueryError {
    return new QueryError(QueryErrorCodes.syntax, message, position);
  }
}

const TYPE_HINTS = {
  number: 'a number (22, -1.5)',
  date: 'an ISO 8601 date (2026-12-04, 2026-12-04T10:00:00Z) or date math (now-15m, now/d)',
  ip: 'an IPv4 or IPv6 address, or a CIDR block (10.0.0.0/8, 2001:db8::/32)',
} as const;

function badValue(message: string, position: number): QueryError {
  return new QueryError(QueryErrorCodes.badValue, message, position);
}

/** Refuses what the field's type cannot answer the same way on both stores. */
function checkTyped(node: QueryNode, position: number): void {
  if (node.kind !== 'term' && node.kind !== 'wildcard' && node.kind !== 'range') return;
  const field = node.field ?? DEFAULT_FIELD;
  const type = fieldType(field);
  if (node.kind === 'wildcard') {
    if (type === 'text') checkTextWildcard(field, node.pattern, position);
    else if (type === 'number' || type === 'date' || type === 'ip') throw badValue(`${field} is a ${type} field and takes no wildcards (at position ${position}); give ${TYPE_HINTS[type]}, or a range.`, position);
    return;
  }
  if (type === 'text') {
    if (node.kind === 'range') throw badValue(`${field} is a text field; a range (at position ${position}) needs a keyword, number, date or ip field.`, position);
    return;
  }
  if (type === 'keyword' || type === 'unindexed') return;
  const hint = TYPE_HINTS[type];
  const values = node.kind === 'term' ? [node.value] : [node.lower?.value, node.upper?.value].filter((value) => value !== undefined);
  for (const value of values) {
    const valid = type === 'number' ? numberOf(value) !== undefined : type === 'date' ? dateSpan(value, Date.now()) !== undefined : node.kind === 'term' ? ipSpan(value) !== undefined : ipKey(value) !== undefined;
    if (!valid) throw badValue(`${field} is a ${type} field; "${value}" at position ${position} is not ${hint}.`, position);
  }
}

/** On text the wildcard must end a single word (`fail*`, every word that starts so): OpenSearch and the embedded index both answer that from their index. */
function checkTextWildcard(field: string, pattern: string, position: number): void {
  const literal = literalPrefix(pattern);
  const single = isPrefixPattern(pattern) && literal !== '' && analyzeText(literal).join(' ') === literal.toLowerCase();
  if (!single) {
    throw badValue(
      `On the text field ${field}, a wildcard can only end a word (fail*); "${pattern}" at position ${position} is not one. Quote it to search the words, or use a keyword field.`,
      position,
    );
  }
}

/**
 * Parses a query in the Lucene query string syntax that Kibana and OpenSearch Dashboards
 * users type: `word`, `"a phrase"`, `field:value` (the value may contain colons), `*` and
 * `?` wildcards, `field:*`, `field:[a TO b]`, `field:{a TO b}`, `field:>=a`, `field:(a OR b)`,
 * `AND`/`&&`, `OR`/`||`, `NOT`/`!`/`-`, parentheses; two terms side by side must both hold.
 * A backslash escapes the next character. Throws a QueryError naming the position.
 */
export function parseQuery(input: string): QueryAst {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new QueryError(QueryErrorCodes.tooLong, `The query is ${input.length} characters long; the limit is ${MAX_QUERY_LENGTH}. Narrow it with a time range instead.`, MAX_QUERY_LENGTH);
  }
  return { root: new Parser(input).parse() };
}
