import { Type, type Static } from '@sinclair/typebox';
import { ALERT_CLOSE_REASONS, ALERT_STATUSES } from '@siem/store';

/** Ids an update names, or alerts a query selects, at most: a bulk update is one request's work. */
export const MAX_BULK_UPDATE = 1000;

const Status = Type.Union(ALERT_STATUSES.map((status) => Type.Literal(status)), { description: 'open → acknowledged → closed; closed alerts reopen to open.' });
const CloseReason = Type.Union(ALERT_CLOSE_REASONS.map((reason) => Type.Literal(reason)), { description: 'Why it was closed; required when closing.' });

export const AlertUpdateBody = Type.Object(
  {
    status: Type.Optional(Status),
    close_reason: Type.Optional(CloseReason),
    assignee: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 256 }), Type.Null()], { description: 'Who works the alert; null unassigns.' })),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'A comment added with the change.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AlertUpdateBody = Static<typeof AlertUpdateBody>;

export const CommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 10_000 }) }, { additionalProperties: false });
export type CommentBody = Static<typeof CommentBody>;

export const BulkUpdateBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: MAX_BULK_UPDATE, uniqueItems: true, description: 'The alerts to change.' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Or: the alerts this query (the API query language over alert fields) selects.' })),
    status: Type.Optional(Type.Union([Status], { description: 'With q: only alerts in this status (e.g. close every open one).' })),
    limit: Type.Integer({ minimum: 1, maximum: MAX_BULK_UPDATE, default: MAX_BULK_UPDATE, description: 'With q: the most alerts changed, newest detection first; `remaining` says how many more matched.' }),
    update: AlertUpdateBody,
  },
  { additionalProperties: false },
);
export type BulkUpdateBody = Static<typeof BulkUpdateBody>;

const Comment = Type.Object({ id: Type.String(), at: Type.String(), by: Type.String(), text: Type.String() });
export const StoredAlertReply = Type.Object({ id: Type.String(), alert: Type.Record(Type.String(), Type.Unknown()) }, { description: 'The alert after the change.' });
export const CommentReply = Type.Object({ comment: Comment, alert: StoredAlertReply });

export const BulkUpdateReply = Type.Object({
  matched: Type.Integer({ description: 'Alerts the ids or the query named (at most limit).' }),
  remaining: Type.Integer({ description: 'Alerts the query matched beyond limit, left as they are.' }),
  updated: Type.Array(Type.String()),
  unchanged: Type.Array(Type.String({ description: 'Already in the asked state.' })),
  not_found: Type.Array(Type.String()),
  refused: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), message: Type.String() }), { description: 'Alerts whose state refused the change (e.g. acknowledging a closed one).' }),
});

export const ErrorReply = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }) });
