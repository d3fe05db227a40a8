/**
 * The index template of the event indices. Strings are keywords unless listed
 * as text, so `field:value` is an exact match; structured data is a flat object
 * so that senders' arbitrary SD-IDs cannot explode the mapping.
 */
export function eventIndexTemplate(prefix: string, replicas: number): Record<string, unknown> {
  return {
    index_patterns: [`${prefix}*`],
    priority: 100,
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
          source: { properties: { ip: { type: 'ip' }, port: { type: 'integer' } } },
          destination: { properties: { ip: { type: 'ip' }, port: { type: 'integer' } } },
        },
      },
    },
  };
}
