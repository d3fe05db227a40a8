import type { QueryAst, QueryNode, RangeBound } from './ast';

/** Characters that end or change a word wherever they are. */
const ALWAYS_SPECIAL = new Set([' ', '\t', '\n', '\r', '\\', '"', '(', ')', '*', '?']);
/** Characters that mean syntax at the start of a word: negation, a range, a comparison. */
const SPECIAL_FIRST = new Set(['-', '!', '+', '[', '{', '<', '>']);
const OPERATOR_WORDS = new Set(['AND', 'OR', 'NOT', 'TO', '&&', '||']);

/** Where a word stands: free text (a colon would make a field), a field's value, or a range bound (`]` and `}` would end it). */
type Place = 'text' | 'value' | 'bound';

function escapeCharacter(char: string, index: number, place: Place): string {
  const special =
    ALWAYS_SPECIAL.has(char) || (index === 0 && SPECIAL_FIRST.has(char)) || (place === 'text' && char === ':') || (place === 'bound' && (char === ']' || char === '}'));
  return special ? `\\${char}` : char;
}

/** A plain value as a word, escaped where it would otherwise read as syntax. */
function word(value: string, place: Place): string {
  if (OPERATOR_WORDS.has(value)) return `\\${value}`;
  let out = '';
  let index = 0;
  for (const char of value) out += escapeCharacter(char, index++, place);
  return out;
}

/** A wildcard pattern keeps its `*`, `?` and escapes, and escapes the other special characters. */
function patternWord(pattern: string, place: Place): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      out += `\\${pattern[i + 1] ?? '\\'}`;
      i++;
    } else {
      out += char === '*' || char === '?' ? char : escapeCharacter(char, i, place);
    }
  }
  return out;
}

function phrase(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** A range bound or a compared value; an empty one (from `""`) stays a phrase, and a leading `=` would join the comparison. */
function boundValue(value: string): string {
  if (value === '') return '""';
  const text = word(value, 'bound');
  return text.startsWith('=') ? `\\${text}` : text;
}

function bound(value: RangeBound | undefined): string {
  return value === undefined ? '*' : boundValue(value.value);
}

function printNode(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      return '*';
    case 'term':
      return `${node.field === undefined ? '' : `${node.field}:`}${node.phrase || node.value === '' ? phrase(node.value) : word(node.value, node.field === undefined ? 'text' : 'value')}`;
    case 'wildcard':
      return `${node.field === undefined ? '' : `${node.field}:`}${patternWord(node.pattern, node.field === undefined ? 'text' : 'value')}`;
    case 'exists':
      return `${node.field}:*`;
    case 'range':
      if (node.lower === undefined && node.upper !== undefined) return `${node.field}:<${node.upper.inclusive ? '=' : ''}${boundValue(node.upper.value)}`;
      if (node.upper === undefined && node.lower !== undefined) return `${node.field}:>${node.lower.inclusive ? '=' : ''}${boundValue(node.lower.value)}`;
      return `${node.field}:${node.lower?.inclusive ? '[' : '{'}${bound(node.lower)} TO ${bound(node.upper)}${node.upper?.inclusive ? ']' : '}'}`;
    case 'not':
      return `NOT ${printChild(node.child)}`;
    case 'and':
      return node.children.map(printChild).join(' AND ');
    case 'or':
      return node.children.map(printChild).join(' OR ');
  }
}

/** Groups nested AND and OR in parentheses, so that printing keeps the tree's shape. */
function printChild(node: QueryNode): string {
  return node.kind === 'and' || node.kind === 'or' ? `(${printNode(node)})` : printNode(node);
}

/** Writes the query back as a query string that parses to the same tree. */
export function printQuery(ast: QueryAst): string {
  return printNode(ast.root);
}
