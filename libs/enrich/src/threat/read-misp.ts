/**
 * MISP JSON: an event export `{"Event": {...}}`, a list of them, a restSearch
 * answer `{"response": [{"Event": ...}]}` or `{"response": {"Attribute": [...]}}`.
 * Attributes of the event and of its objects are read. Attributes flagged
 * `to_ids: false` are context, not detection material, and are ignored, as
 * are deleted ones and types this lib does not match.
 */
import type { ExpectedKind } from './indicator';
import type { FeedCollector } from './feed-collector';

/** MISP attribute type → the part of a `a|b` value to read and what it must be. */
const ATTRIBUTE_TYPES: Readonly<Record<string, readonly (ExpectedKind | null)[]>> = {
  'ip-src': ['ip'],
  'ip-dst': ['ip'],
  'ip-src|port': ['ip', null],
  'ip-dst|port': ['ip', null],
  domain: ['domain'],
  hostname: ['domain'],
  'domain|ip': ['domain', 'ip'],
  'hostname|port': ['domain', null],
  url: ['url'],
  md5: ['md5'],
  sha1: ['sha1'],
  sha256: ['sha256'],
  sha512: ['sha512'],
  'filename|md5': [null, 'md5'],
  'filename|sha1': [null, 'sha1'],
  'filename|sha256': [null, 'sha256'],
  'filename|sha512': [null, 'sha512'],
};

type Json = Record<string, unknown>;

export function isMispContent(json: unknown): boolean {
  if (Array.isArray(json)) return json.length > 0 && json.every((item) => isObject(item) && isObject(item.Event));
  return isObject(json) && (isObject(json.Event) || 'response' in json);
}

export function readMisp(json: unknown, collector: FeedCollector): void {
  const root = json as Json | Json[];
  const response = Array.isArray(root) ? root : root.response ?? root;
  if (isObject(response) && Array.isArray(response.Attribute)) {
    readAttributes(response.Attribute, {}, 'response', collector);
    return;
  }
  const wrappers = Array.isArray(response) ? response : [response];
  wrappers.forEach((wrapper, index) => {
    const event = isObject(wrapper) && isObject(wrapper.Event) ? wrapper.Event : undefined;
    if (!event) return collector.skip('not_an_event', `entry ${index}`);
    const orgc = isObject(event.Orgc) ? event.Orgc : isObject(event.Org) ? event.Org : undefined;
    const eventContext = {
      provider: typeof orgc?.name === 'string' ? orgc.name : undefined,
      info: typeof event.info === 'string' ? event.info : undefined,
    };
    const where = `event ${typeof event.uuid === 'string' ? event.uuid : index}`;
    if (Array.isArray(event.Attribute)) readAttributes(event.Attribute, eventContext, where, collector);
    if (Array.isArray(event.Object)) {
      for (const object of event.Object) {
        if (isObject(object) && Array.isArray(object.Attribute)) readAttributes(object.Attribute, eventContext, where, collector);
      }
    }
  });
}

function readAttributes(attributes: unknown[], event: { provider?: string; info?: string }, where: string, collector: FeedCollector): void {
  attributes.forEach((attribute, index) => {
    const at = `${where} attribute ${index}`;
    if (!isObject(attribute) || typeof attribute.type !== 'string' || typeof attribute.value !== 'string') {
      return collector.skip('not_an_attribute', at);
    }
    if (attribute.deleted === true || attribute.deleted === '1') return collector.ignore('deleted');
    if (attribute.to_ids === false || attribute.to_ids === '0') return collector.ignore('not_to_ids');
    const parts = ATTRIBUTE_TYPES[attribute.type];
    if (!parts) return collector.ignore(`type_${attribute.type.slice(0, 32)}`);
    const values = parts.length === 1 ? [attribute.value] : attribute.value.split('|');
    if (values.length !== parts.length) return collector.skip('invalid_composite_value', at, attribute.value);
    const comment = typeof attribute.comment === 'string' && attribute.comment !== '' ? attribute.comment : undefined;
    const context = {
      provider: event.provider,
      description: comment ?? event.info,
      id: typeof attribute.uuid === 'string' ? attribute.uuid : undefined,
    };
    parts.forEach((kind, part) => {
      if (kind) collector.add(values[part]!, at, context, kind);
    });
  });
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
