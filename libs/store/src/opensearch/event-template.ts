/**
 * The index template of the event indices. Strings are keywords unless listed
 * as text, so `field:value` is an exact match; structured data is a flat object
 * so that senders' arbitrary SD-IDs cannot explode the mapping; the same goes for
 * the vendor key=value sets (CEF and LEEF extensions, Windows event data, auditd
 * keys, kv and custom JSON namespaces). GeoIP locations are geo points.
 */
const endpoint = { properties: { ip: { type: 'ip' }, port: { type: 'integer' }, geo: { properties: { location: { type: 'geo_point' } } } } };

/**
 * Above the 100 that is common in examples (and that this product used before), so that
 * templates left with longer patterns under the same prefix, by tests or older
 * versions, do not tie with it: OpenSearch refuses overlapping patterns only at equal priority.
 */
export const DEFAULT_TEMPLATE_PRIORITY = 200;

/**
 * The template's version, raised with every change of its settings or mappings. Each start
 * installs the template of the running code over the one in the cluster, so a new version
 * applies from the next daily index on: no reindex, older days keep the mapping they were
 * written with, and the version in `GET _index_template/<prefix>events` says which one is
 * installed.
 */
export const EVENT_TEMPLATE_VERSION = 2;

export function eventIndexTemplateName(prefix: string): string {
  return `${prefix}events`;
}

export function eventIndexTemplate(prefix: string, replicas: number, priority = DEFAULT_TEMPLATE_PRIORITY): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}*`],
    priority,
    version: EVENT_TEMPLATE_VERSION,
    _meta: { managed_by: 'siem' },
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '1s', 'mapping.total_fields.limit': 2000 },
      mappings: {
        dynamic_templates: [{ strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 2048 } } }],
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'text' },
          event: {
            properties: {
              original: { type: 'keyword', index: false, doc_values: false },
              ingested: { type: 'date' },
              dataset: { type: 'keyword' },
            },
          },
          host: { properties: { name: { type: 'keyword' } } },
          log: {
            properties: {
              level: { type: 'keyword' },
              source: { properties: { address: { type: 'keyword' } } },
              syslog: {
                properties: {
                  priority: { type: 'integer' },
                  structured_data: { type: 'flat_object' },
                },
              },
            },
          },
          process: { properties: { name: { type: 'keyword' }, pid: { type: 'long' } } },
          source: endpoint,
          destination: endpoint,
          client: endpoint,
          server: endpoint,
          threat: { properties: { enrichments: { properties: { indicator: { properties: { ip: { type: 'ip' } } } } } } },
          // Vendor key=value sets whose keys are the sender's choice: one field each, searchable by dotted key.
          winlog: { properties: { event_data: { type: 'flat_object' }, user_data: { type: 'flat_object' } } },
          cef: { properties: { extensions: { type: 'flat_object' } } },
          leef: { properties: { extensions: { type: 'flat_object' } } },
          auditd: { properties: { log: { type: 'flat_object' } } },
          kv: { type: 'flat_object' },
          json: { type: 'flat_object' },
        },
      },
    },
  };
}
