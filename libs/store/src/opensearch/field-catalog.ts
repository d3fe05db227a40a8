import type { Client } from '@opensearch-project/opensearch';
import { StoreError, StoreErrorCodes } from '../errors';
import { HOUR_MS, catalogRange, catalogTypeOfMapping, listsValues } from '../fields/catalog-rules';
import type { CatalogFieldType, FieldInfo, FieldsRequest, FieldsResult } from '../fields/types';
import { indicesForRange } from './index-names';

/**
 * The field catalog from OpenSearch: the names and types from the mapping of the range's daily
 * indices (`_field_caps`), then one search confined to the tenant and the range's whole hours
 * that counts the events having each field (an exists filter per field, with the first and last
 * @timestamp) and takes the most common values of the fields that list values (a terms
 * aggregation each). A field of the mapping that none of the tenant's events has is left out,
 * so another tenant's fields and values never show.
 */

type Capabilities = Record<string, Record<string, { type: string; searchable: boolean; aggregatable: boolean; indices?: string[] }>>;

/** Fields of the mapping as the catalog lists them: typed, searchable, not metadata, not inside a flat object. */
export function mappedFields(capabilities: Capabilities): { name: string; type: CatalogFieldType }[] {
  const fields: { name: string; type: CatalogFieldType }[] = [];
  for (const [name, byType] of Object.entries(capabilities)) {
    if (name.endsWith('.') || name === '_doc_count') continue;
    const typed = Object.values(byType).flatMap((cap) => {
      const type = catalogTypeOfMapping(cap.type);
      return type && (cap.searchable || cap.aggregatable) ? [{ type, newest: (cap.indices ?? ['']).reduce((a, b) => (a > b ? a : b)) }] : [];
    });
    // Typed differently in different days: the newest day's type, as the embedded store takes it.
    const chosen = typed.sort((a, b) => (a.newest < b.newest ? 1 : a.newest > b.newest ? -1 : 0))[0];
    if (chosen) fields.push({ name, type: chosen.type });
  }
  const flatObjects = fields.filter((field) => field.type === 'flat_object').map((field) => `${field.name}.`);
  return fields.filter((field) => !flatObjects.some((root) => field.name.startsWith(root)));
}

interface CatalogResponse {
  hits: { total?: number | { value: number } };
  aggregations?: {
    present?: { buckets: Record<string, { doc_count: number; first: { value: number | null }; last: { value: number | null } }> };
  } & Record<string, { buckets?: { key: string | number; key_as_string?: string; doc_count: number }[] }>;
}

export async function readFieldCatalog(client: Client, prefix: string, request: FieldsRequest, options: { requestTimeout?: number; maxRetries?: number }): Promise<FieldsResult> {
  const { fromHour, toHourEnd, sampleValues } = catalogRange(request);
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
  const index = indicesForRange(prefix, iso(fromHour), iso(toHourEnd));
  const failed = (what: string, cause: unknown) =>
    new StoreError(StoreErrorCodes.searchFailed, `${what} failed in OpenSearch: ${(cause as Error).message}. Check that the cluster is up.`, { cause, retryable: true });
  let fields: { name: string; type: CatalogFieldType }[];
  try {
    const response = await client.fieldCaps({ index, fields: '*', ignore_unavailable: true, allow_no_indices: true }, options);
    fields = mappedFields((response.body as { fields?: Capabilities }).fields ?? {});
  } catch (cause) {
    throw failed('Reading the field capabilities', cause);
  }
  const range: Record<string, unknown> = { format: 'epoch_millis' };
  if (Number.isFinite(fromHour)) range.gte = fromHour;
  if (Number.isFinite(toHourEnd)) range.lte = toHourEnd;
  const aggs: Record<string, unknown> = {};
  if (fields.length > 0) {
    aggs.present = {
      filters: { filters: Object.fromEntries(fields.map((field, i) => [`f${i}`, { exists: { field: field.name } }])) },
      aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } },
    };
  }
  if (sampleValues > 0) {
    fields.forEach((field, i) => {
      if (listsValues(field.type)) aggs[`v${i}`] = { terms: { field: field.name, size: sampleValues, order: [{ _count: 'desc' }, { _key: 'asc' }] } };
    });
  }
  let body: CatalogResponse;
  try {
    const response = await client.search(
      {
        index,
        ignore_unavailable: true,
        allow_no_indices: true,
        body: { size: 0, track_total_hits: true, query: { bool: { filter: [{ term: { 'organization.id': request.tenant } }, { range: { '@timestamp': range } }] } }, aggs } as never,
      },
      options,
    );
    body = response.body as never;
  } catch (cause) {
    throw failed('Reading the field catalog', cause);
  }
  const total = typeof body.hits.total === 'number' ? body.hits.total : (body.hits.total?.value ?? 0);
  const present = body.aggregations?.present?.buckets ?? {};
  const hour = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
  const catalog: FieldInfo[] = [];
  fields.forEach((field, i) => {
    const bucket = present[`f${i}`];
    if (!bucket || bucket.doc_count === 0 || bucket.first.value === null || bucket.last.value === null) return;
    const buckets = body.aggregations?.[`v${i}`]?.buckets ?? [];
    const values = buckets.map((value) => (field.type === 'boolean' ? value.key_as_string === 'true' : value.key));
    catalog.push({ name: field.name, type: field.type, count: bucket.doc_count, firstSeen: hour(bucket.first.value), lastSeen: hour(bucket.last.value), values });
  });
  return { events: total, fields: catalog.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}
