/**
 * Sigma conditions: `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`,
 * `1 of them`, `all of them` (and `any of`, Sigma 1's spelling of `1 of`).
 * Precedence, from the specification: `not` binds tightest, then `and`, then `or`.
 */

export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly ConditionNode[] };

export class ConditionSyntaxError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

interface Token {
  readonly text: string;
  readonly position: number;
}

const TOKEN = /\s*(\(|\)|[^\s()]+)/y;
const IDENTIFIER = /^[A-Za-z0-9_*-]+$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(text)) !== null) {
    const value = match[1] ?? '';
    position = TOKEN.lastIndex;
    tokens.push({ text: value, position: position - value.length });
  }
  if (text.slice(position).trim() !== '') throw new ConditionSyntaxError(`unexpected text "${text.slice(position)}"`, position);
  return tokens;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
}

/**
 * Parses one condition over the given search identifiers; `x of` patterns
 * are expanded here, so the tree only holds plain references. Throws
 * ConditionSyntaxError with the character position of the problem.
 */
export function parseCondition(text: string, identifiers: readonly string[]): ConditionNode {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const keyword = (token: Token | undefined, word: string): boolean => token !== undefined && token.text.toLowerCase() === word;
  const end = (): number => text.length;

  const parseOr = (): ConditionNode => {
    const operands = [parseAnd()];
    while (keyword(peek(), 'or')) {
      index++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'or', operands };
  };
  const parseAnd = (): ConditionNode => {
    const operands = [parseNot()];
    while (keyword(peek(), 'and')) {
      index++;
      operands.push(parseNot());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'and', operands };
  };
  const parseNot = (): ConditionNode => {
    if (keyword(peek(), 'not')) {
      index++;
      return { kind: 'not', operand: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): ConditionNode => {
    const token = peek();
    if (token === undefined) throw new ConditionSyntaxError('the condition ends where a search identifier, "not" or "(" was expected', end());
    if (token.text === '(') {
      index++;
      const inner = parseOr();
      const close = peek();
      if (close?.text !== ')') throw new ConditionSyntaxError('a "(" is not closed', close?.position ?? end());
      index++;
      return inner;
    }
    const quantifier = token.text.toLowerCase();
    if ((quantifier === '1' || quantifier === 'all' || quantifier === 'any') && keyword(tokens[index + 1], 'of')) {
      const target = tokens[index + 2];
      if (target === undefined || target.text === '(' || target.text === ')') {
        throw new ConditionSyntaxError(`"${token.text} of" must be followed by "them" or a search identifier pattern such as selection*`, target?.position ?? end());
      }
      index += 3;
      const names = ofTargets(target, identifiers);
      const operands = names.map((name): ConditionNode => ({ kind: 'ref', name }));
      if (operands.length === 1) return operands[0] as ConditionNode;
      return { kind: quantifier === 'all' ? 'and' : 'or', operands };
    }
    if (token.text === ')' || ['and', 'or', 'of'].includes(quantifier)) {
      throw new ConditionSyntaxError(`unexpected "${token.text}" where a search identifier, "not" or "(" was expected`, token.position);
    }
    if (!IDENTIFIER.test(token.text) || token.text.includes('*')) {
      throw new ConditionSyntaxError(`"${token.text}" is not a search identifier; aggregations ("| count()") and "near" are Sigma 1 features this engine does not run: write a correlation rule`, token.position);
    }
    if (!identifiers.includes(token.text)) {
      throw new ConditionSyntaxError(`"${token.text}" is not defined in detection; defined: ${identifiers.join(', ') || 'none'}`, token.position);
    }
    index++;
    return { kind: 'ref', name: token.text };
  };

  const root = parseOr();
  const rest = peek();
  if (rest !== undefined) throw new ConditionSyntaxError(`unexpected "${rest.text}"; join expressions with "and" or "or"`, rest.position);
  return root;
}

function ofTargets(target: Token, identifiers: readonly string[]): string[] {
  if (target.text.toLowerCase() === 'them') {
    // Identifiers starting with "_" are excluded from "them" by the specification.
    const names = identifiers.filter((name) => !name.startsWith('_'));
    if (names.length === 0) throw new ConditionSyntaxError('"of them" but detection defines no search identifier', target.position);
    return names;
  }
  if (!IDENTIFIER.test(target.text)) throw new ConditionSyntaxError(`"${target.text}" is not a search identifier pattern`, target.position);
  const pattern = globToRegExp(target.text);
  const names = identifiers.filter((name) => pattern.test(name));
  if (names.length === 0) throw new ConditionSyntaxError(`"${target.text}" matches no search identifier; defined: ${identifiers.join(', ')}`, target.position);
  return names;
}
