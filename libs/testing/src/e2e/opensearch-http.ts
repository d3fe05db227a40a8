/** Plain HTTP calls to OpenSearch for test assertions, independent of the store code under test. */
export async function countDocuments(opensearchUrl: string, indexPattern: string): Promise<number> {
  await fetch(`${opensearchUrl}/${indexPattern}/_refresh?ignore_unavailable=true&allow_no_indices=true`, { method: 'POST' });
  const response = await fetch(`${opensearchUrl}/${indexPattern}/_count?ignore_unavailable=true&allow_no_indices=true`);
  const body = (await response.json()) as { count?: number };
  return body.count ?? 0;
}

/** Every document's `_id` and one numeric field, paged with search_after. */
export async function collectField(opensearchUrl: string, indexPattern: string, field: string): Promise<{ ids: string[]; values: number[] }> {
  const ids: string[] = [];
  const values: number[] = [];
  let after: unknown[] | undefined;
  for (;;) {
    const response = await fetch(`${opensearchUrl}/${indexPattern}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 10_000, _source: false, docvalue_fields: [field], sort: [{ [field]: 'asc' }], ...(after ? { search_after: after } : {}) }),
    });
    const body = (await response.json()) as { hits: { hits: { _id: string; fields: Record<string, number[]>; sort: unknown[] }[] } };
    const hits = body.hits.hits;
    if (hits.length === 0) return { ids, values };
    for (const hit of hits) {
      ids.push(hit._id);
      values.push(hit.fields[field]![0]!);
    }
    after = hits[hits.length - 1]!.sort;
  }
}
