/** The parsed query: every clause must hold (AND); a negated clause must not. */
export interface QueryAst {
  readonly clauses: readonly QueryClause[];
}

export interface QueryClause {
  /** Absent for free text, which searches `message`. */
  readonly field?: string;
  readonly value: string;
  /** True when the value was quoted: match the phrase, never a wildcard. */
  readonly phrase: boolean;
  readonly negated: boolean;
}
