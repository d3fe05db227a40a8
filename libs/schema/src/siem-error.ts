/**
 * The base of every error the product raises: a stable code (listed in
 * docs/errors.md), a message that says what to do, and whether retrying can
 * help, which the pipeline uses to choose between a retry and a dead letter.
 */
export class SiemError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: { cause?: unknown; retryable: boolean }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
  }
}
