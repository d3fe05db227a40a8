/** Who made an audited call, as the auth hook identified them; absent when the call carried no valid credential. */
export interface AuditPrincipal {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

/** One API call that read or changed data: written once, never changed. */
export interface AuditRecord {
  /** Unique per record; a retried write with the same id is stored once. */
  readonly id: string;
  /** When the request arrived (ISO 8601, milliseconds). */
  readonly '@timestamp': string;
  readonly tenant: string;
  readonly principal?: AuditPrincipal;
  readonly method: string;
  /** The route pattern (`/api/v1/alerts/:id`), not the URL, so one route's calls share one value. */
  readonly route: string;
  /** Route parameters, query string and body fields, secrets already redacted. */
  readonly params?: Record<string, unknown>;
  readonly query?: Record<string, unknown>;
  readonly body?: unknown;
  readonly status: number;
  readonly sourceAddress: string;
  readonly durationMs: number;
}

export interface AuditQuery {
  /** Only this tenant's records: the caller's, set by the server, never by the client. */
  readonly tenant: string;
  /** ISO times, both inclusive. */
  readonly from?: string;
  readonly to?: string;
  /** A principal's id or name. */
  readonly principal?: string;
  readonly route?: string;
  readonly method?: string;
  /** One status (`403`) or a class (`4xx`). */
  readonly status?: string;
  /** Records per page, newest first. */
  readonly size: number;
  /** The `next` of the previous page. */
  readonly cursor?: string;
}

export interface AuditPage {
  readonly records: AuditRecord[];
  /** Present when more records match: pass it as `cursor` for the next page. */
  readonly next?: string;
}

/** The append-only audit trail: it can be appended to and searched, nothing else. */
export interface AuditStore {
  ensureReady(): Promise<void>;
  /** Stores the records; ones already stored (same id) are kept as they were. Throws a retryable StoreError while the store is down. */
  append(records: readonly AuditRecord[]): Promise<void>;
  search(query: AuditQuery): Promise<AuditPage>;
  close(): Promise<void>;
}

export const MAX_AUDIT_PAGE = 1000;
