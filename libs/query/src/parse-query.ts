import type { QueryAst, QueryClause } from './ast';
import { QueryError, QueryErrorCodes } from './errors';

export const MAX_QUERY_LENGTH = 4096;
const FIELD_NAME = /^[A-Za-z_@][A-Za-z0-9_.@-]{0,127}$/;

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/**
 * Parses the search subset `term "a phrase" field:value field:"a phrase" -negated`,
 * clauses joined by AND. A backslash escapes the next character. `*` alone (or an
 * empty query) matches everything.
 */
export function parseQuery(input: string): QueryAst {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new QueryError(QueryErrorCodes.tooLong, `The query is ${input.length} characters long; the limit is ${MAX_QUERY_LENGTH}. Narrow it with a time range instead.`, MAX_QUERY_LENGTH);
  }
  const clauses: QueryClause[] = [];
  let i = 0;
  while (i < input.length) {
    while (isSpace(input[i])) i++;
    if (i >= input.length) break;
    const clauseStart = i;
    let negated = false;
    if (input[i] === '-' && i + 1 < input.length && !isSpace(input[i + 1])) {
      negated = true;
      i++;
    }
    let field: string | undefined;
    const word = readWord(input, i);
    if (word.text.length > 0 && input[word.end] === ':' && !word.escaped) {
      if (!FIELD_NAME.test(word.text)) {
        throw new QueryError(QueryErrorCodes.badField, `"${word.text}" at position ${i} is not a field name; field names are letters, digits, '.', '_', '@' and '-'.`, i);
      }
      field = word.text;
      i = word.end + 1;
      if (i >= input.length || isSpace(input[i])) {
        throw new QueryError(QueryErrorCodes.syntax, `The field ${field} at position ${clauseStart} has no value; write ${field}:value or ${field}:"a phrase".`, i);
      }
    }
    if (input[i] === '"') {
      const phrase = readPhrase(input, i);
      clauses.push({ field, value: phrase.text, phrase: true, negated });
      i = phrase.end;
    } else {
      const value = readWord(input, i);
      clauses.push({ field, value: value.text, phrase: false, negated });
      i = value.end;
    }
  }
  return { clauses: clauses.filter((clause) => !(clause.field === undefined && !clause.phrase && clause.value === '*' && !clause.negated)) };
}

function readWord(input: string, start: number): { text: string; end: number; escaped: boolean } {
  let text = '';
  let escaped = false;
  let i = start;
  while (i < input.length && !isSpace(input[i]) && input[i] !== ':' && input[i] !== '"') {
    if (input[i] === '\\' && i + 1 < input.length) {
      text += input[i + 1];
      escaped = true;
      i += 2;
      continue;
    }
    text += input[i];
    i++;
  }
  if (input[i] === '"' && text.length > 0) {
    throw new QueryError(QueryErrorCodes.syntax, `Unexpected quote at position ${i}; put a space before a quoted phrase or escape the quote with a backslash.`, i);
  }
  return { text, end: i, escaped };
}

function readPhrase(input: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < input.length) {
    const char = input[i];
    if (char === '\\' && i + 1 < input.length) {
      text += input[i + 1];
      i += 2;
      continue;
    }
    if (char === '"') return { text, end: i + 1 };
    text += char;
    i++;
  }
  throw new QueryError(QueryErrorCodes.syntax, `The quote opened at position ${start} is never closed; close it or escape it with a backslash.`, start);
}
