import { SiemError } from '@siem/schema';

export const RULE_ERROR_CODES = [
  'SIEM_RULE_INVALID',
  'SIEM_RULE_INVALID_JSON',
  'SIEM_RULE_TOO_LARGE',
  'SIEM_RULE_UNKNOWN_MODIFIER',
  'SIEM_RULE_BAD_VALUE',
  'SIEM_RULE_BAD_CONDITION',
  'SIEM_RULE_UNMAPPED_FIELD',
  'SIEM_RULE_UNSAFE_REGEX',
  'SIEM_RULE_UNKNOWN_PLACEHOLDER',
  'SIEM_RULE_UNSUPPORTED',
  'SIEM_RULE_BAD_MAPPING',
  'SIEM_RULE_BAD_CORRELATION',
] as const;

export type RuleErrorCode = (typeof RULE_ERROR_CODES)[number];

/** One thing wrong with a rule: where (a JSON pointer into the rule document) and what would be valid. */
export interface RuleIssue {
  readonly code: RuleErrorCode;
  readonly pointer: string;
  readonly message: string;
}

/**
 * A rule that cannot be saved. `code`, `pointer` and the message are those of
 * the first issue; `issues` lists every one found, so an editor can mark them all.
 */
export class RuleValidationError extends SiemError<RuleErrorCode> {
  readonly pointer: string;
  readonly issues: readonly RuleIssue[];

  constructor(issues: readonly RuleIssue[]) {
    const first = issues[0] ?? { code: 'SIEM_RULE_INVALID' as const, pointer: '', message: 'The rule is invalid.' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    super(first.code, `${first.pointer === '' ? 'rule' : first.pointer}: ${first.message}${more}`, { retryable: false });
    this.pointer = first.pointer;
    this.issues = issues;
  }
}

/** A JSON pointer (RFC 6901) from path segments. */
export function pointerOf(...segments: ReadonlyArray<string | number>): string {
  return segments.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
