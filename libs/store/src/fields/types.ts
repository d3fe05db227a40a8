/**
 * The field catalog: each field a tenant's events have in a time range, how queries compare it,
 * how many events have it and its most common values. OpenSearch reads it from the mapping
 * (`_field_caps`) and a tenant-filtered aggregation; the embedded store from a catalog its
 * writer keeps per day, hour and tenant. Both answer alike (see fields-conformance.ts).
 */

/** The query language's types (`@siem/query` fieldType), plus what a mapping adds: booleans, geo points and flat objects. */
export type CatalogFieldType = 'text' | 'keyword' | 'number' | 'date' | 'ip' | 'boolean' | 'geo_point' | 'flat_object';

export interface FieldsRequest {
  /** Only this tenant's events are read: no other tenant's values (or fields) appear. */
  readonly tenant: string;
  /** The range is widened to whole hours (UTC): from the start of `from`'s hour to the end of `to`'s. */
  readonly from?: string;
  readonly to?: string;
  /** Values per field, most common first (default DEFAULT_SAMPLE_VALUES, at most MAX_SAMPLE_VALUES). */
  readonly sampleValues?: number;
}

export interface FieldInfo {
  /** Dotted, as queries name it; list elements are the list's field. */
  readonly name: string;
  readonly type: CatalogFieldType;
  /** The events of the range that have a value of it. */
  readonly count: number;
  /** The start (ISO, UTC) of the first and of the last hour of the range in which an event has it. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /**
   * Its most common values, ties by value; only for keyword, number, ip and boolean fields (a
   * text's words, a time or a location say little as a sample). Keywords as strings, numbers as
   * numbers, booleans as booleans, addresses as written.
   */
  readonly values: readonly (string | number | boolean)[];
}

export interface FieldsResult {
  /** The tenant's events in the (widened) range. */
  readonly events: number;
  /** Sorted by name. */
  readonly fields: readonly FieldInfo[];
}

export const DEFAULT_SAMPLE_VALUES = 5;
export const MAX_SAMPLE_VALUES = 10;
