/**
 * Alert suppression: a rule names fields and a window; its matches with the same values of
 * those fields in one window become one alert. The window is aligned on the epoch (every
 * `window` from 1970-01-01), so every worker, and a redelivered event, computes the same
 * alert id without talking to the others.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';

export const SuppressionSchema = Type.Object(
  {
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
      minItems: 1,
      maxItems: 5,
      uniqueItems: true,
      description: 'ECS fields whose values group the matches (host.name, user.name); a missing field counts as one value of its own.',
    }),
    window: Type.String({ pattern: '^[1-9][0-9]{0,8}[smhdw]$', description: 'Window length: a number and s, m, h, d or w (1h). Matches in one window make one alert.' }),
  },
  { additionalProperties: false, description: 'Merge the matches of this rule that share the values of `fields` within `window` into one alert with a count.' },
);
export type Suppression = Static<typeof SuppressionSchema>;

// Not correlation/validate's timespanMs: importing it here would close an import cycle through schema.ts.
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a suppression window (`1h`). */
export function suppressionWindowMs(window: string): number {
  return Number(window.slice(0, -1)) * (UNIT_MS[window.slice(-1)] ?? Number.NaN);
}

export interface SuppressionKey {
  /** The alert's id: the rule, the values and the window start. */
  readonly id: string;
  readonly values: Readonly<Record<string, string | null>>;
  readonly windowStart: string;
  readonly windowEnd: string;
}

function valueAt(event: Record<string, unknown>, field: string): unknown {
  if (field in event) return event[field];
  let value: unknown = event;
  for (const key of field.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function keyValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The suppression group of an event at `timeMs` (the event's time) for a rule's suppression. */
export function suppressionKey(ruleId: string, suppression: Suppression, event: Record<string, unknown>, timeMs: number): SuppressionKey {
  const windowMs = suppressionWindowMs(suppression.window);
  const start = Math.floor(timeMs / windowMs) * windowMs;
  const values: Record<string, string | null> = {};
  // The tenant is part of the group: a global rule never merges the alerts of two tenants.
  const hash = createHash('sha256').update(ruleId).update('\u0000').update(keyValue(valueAt(event, 'organization.id')) ?? '');
  for (const field of suppression.fields) {
    const value = keyValue(valueAt(event, field));
    values[field] = value;
    // A separator no value contains, and a distinct mark for a missing value, so ("a","") and ("", "a") differ.
    hash.update('\u0000').update(value === null ? '\u0001' : `\u0002${value}`);
  }
  hash.update('\u0000').update(String(start));
  return { id: `s${hash.digest('base64url').slice(0, 31)}`, values, windowStart: new Date(start).toISOString(), windowEnd: new Date(start + windowMs).toISOString() };
}
