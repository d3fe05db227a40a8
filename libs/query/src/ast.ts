/**
 * The parsed query: a tree of boolean nodes over leaves that each test one field.
 * A leaf without `field` is free text, which searches `message`. Values are kept as
 * the user wrote them (dates unresolved, so `now-15m` means the time of each search);
 * the parser has already checked them against the field's type.
 */
export type QueryNode = MatchAllNode | AndNode | OrNode | NotNode | TermNode | WildcardNode | ExistsNode | RangeNode;

export interface QueryAst {
  readonly root: QueryNode;
}

/** The empty query and a lone `*`. */
export interface MatchAllNode {
  readonly kind: 'all';
}

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly QueryNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly QueryNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly child: QueryNode;
}

/** `field:value` or `field:"a phrase"`: on a text field the words (or the phrase), otherwise the exact value, an IP's CIDR block, or a date's span. */
export interface TermNode {
  readonly kind: 'term';
  readonly field?: string;
  /** Unescaped. */
  readonly value: string;
  /** Quoted: on a text field the words must be adjacent and in order. */
  readonly phrase: boolean;
}

/** A value with an unescaped `*` or `?`. */
export interface WildcardNode {
  readonly kind: 'wildcard';
  readonly field?: string;
  /** Lucene wildcard syntax: `*` any characters, `?` one, `\` escapes the next character. */
  readonly pattern: string;
}

/** `field:*` and `field:[* TO *]`: the field has a value. */
export interface ExistsNode {
  readonly kind: 'exists';
  readonly field: string;
}

export interface RangeBound {
  /** Unescaped. */
  readonly value: string;
  readonly inclusive: boolean;
}

/** `field:[a TO b]`, `field:{a TO b}`, `field:>=a` and the like; an absent bound is open. */
export interface RangeNode {
  readonly kind: 'range';
  readonly field: string;
  readonly lower?: RangeBound;
  readonly upper?: RangeBound;
}
