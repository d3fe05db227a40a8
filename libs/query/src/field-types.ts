/**
 * The type of each field the event index template declares, which decides what a value
 * means: words on text, exact strings on keywords, numbers, instants and addresses.
 * Both compilers and the parser read this one table; `libs/store` checks that its
 * OpenSearch template declares the same types. A field not listed is a keyword (strings
 * are mapped as keywords dynamically), whose numbers still match by value.
 */
export type FieldType = 'text' | 'keyword' | 'number' | 'date' | 'ip' | 'unindexed';

const endpointFields = (prefix: string): [string, FieldType][] => [
  [`${prefix}.ip`, 'ip'],
  [`${prefix}.port`, 'number'],
];

export const FIELD_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ['@timestamp', 'date'],
  ['message', 'text'],
  ['event.ingested', 'date'],
  ['event.original', 'unindexed'],
  ['log.syslog.priority', 'number'],
  ['process.pid', 'number'],
  ...endpointFields('source'),
  ...endpointFields('destination'),
  ...endpointFields('client'),
  ...endpointFields('server'),
  ['threat.enrichments.indicator.ip', 'ip'],
]);

/** Free text searches this field. */
export const DEFAULT_FIELD = 'message';

export function fieldType(field: string | undefined): FieldType {
  return FIELD_TYPES.get(field ?? DEFAULT_FIELD) ?? 'keyword';
}
