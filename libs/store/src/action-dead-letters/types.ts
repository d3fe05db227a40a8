/**
 * Notifications that failed for good (retries spent, or refused outright), kept so an operator
 * can see why and send them again: `GET /api/v1/actions/dead-letters`, `POST …/{id}/resend`.
 */
export interface ActionDeadLetter {
  readonly id: string;
  /** When it was given up, ISO 8601. */
  readonly failed_at: string;
  readonly rule_id: string;
  readonly alert_id: string;
  /** The alert's tenant (`organization.id`): only its callers list and resend it. */
  readonly tenant: string;
  /** The action as the rule declared it (a webhook's secret included: the API leaves it out). */
  readonly action: Readonly<Record<string, unknown>> & { readonly id: string; readonly type: string };
  /** What was to be sent: the body, or the syslog message. */
  readonly payload: string;
  readonly attempts: number;
  /** The last failure. */
  readonly error: string;
}

export interface ActionDeadLetterPage {
  readonly total: number;
  /** Newest first. */
  readonly letters: readonly ActionDeadLetter[];
}

export interface ActionDeadLetterStore {
  ensureReady(): Promise<void>;
  add(letter: ActionDeadLetter): Promise<void>;
  list(options: { readonly size: number; readonly ruleId?: string; readonly tenant?: string }): Promise<ActionDeadLetterPage>;
  get(id: string): Promise<ActionDeadLetter | undefined>;
  /** False when there was none (another resend took it first). */
  remove(id: string): Promise<boolean>;
  close(): Promise<void>;
}
