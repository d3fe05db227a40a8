/**
 * Reads an Elasticsearch `_bulk` body: action lines, each followed by a
 * source line except `delete`. A body ES would refuse as a whole (an action
 * line that is not JSON, an unknown action, no index) is refused as a whole,
 * with the exception type and wording ES uses, before anything is accepted.
 */
import { isJsonObject, splitLines } from './ndjson-lines';

export const BULK_ACTIONS = ['create', 'delete', 'index', 'update'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkItem {
  readonly action: BulkAction;
  readonly index: string;
  readonly id?: string;
  /** The source line as sent; absent for `delete`. */
  readonly source?: Buffer;
}

export type BulkRequest = { readonly ok: true; readonly items: BulkItem[] } | { readonly ok: false; readonly type: string; readonly reason: string };

const refuse = (type: string, reason: string): BulkRequest => ({ ok: false, type, reason });

export function parseBulkRequest(body: Buffer, pathIndex: string | undefined): BulkRequest {
  const lines = splitLines(body);
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { number, bytes } = lines[i]!;
    let action: unknown;
    try {
      action = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      return refuse('x_content_parse_exception', `[${number}:1] Malformed action/metadata line [${number}]: ${(error as Error).message}`);
    }
    if (!isJsonObject(action)) return refuse('illegal_argument_exception', `Malformed action/metadata line [${number}], expected START_OBJECT but found [${Array.isArray(action) ? 'START_ARRAY' : 'VALUE'}]`);
    const names = Object.keys(action);
    const name = names[0];
    if (names.length !== 1 || !BULK_ACTIONS.includes(name as BulkAction)) {
      return refuse('illegal_argument_exception', `Malformed action/metadata line [${number}], expected one of [create, delete, index, update] but found [${names.join(', ')}]`);
    }
    const metadata = action[name!];
    if (!isJsonObject(metadata)) return refuse('illegal_argument_exception', `Malformed action/metadata line [${number}], expected START_OBJECT after [${name}]`);
    const index = metadata._index ?? pathIndex;
    if (typeof index !== 'string' || index.length === 0) return refuse('action_request_validation_exception', `Validation Failed: 1: index is missing on line [${number}];`);
    const id = metadata._id;
    if (id !== undefined && typeof id !== 'string') return refuse('illegal_argument_exception', `Malformed action/metadata line [${number}], _id must be a string`);
    const item: BulkItem = { action: name as BulkAction, index, ...(id !== undefined && { id }) };
    if (item.action === 'delete') {
      items.push(item);
      continue;
    }
    const source = lines[i + 1];
    if (!source) return refuse('illegal_argument_exception', `The ${name} action on line [${number}] has no source line after it; the bulk request must end with a newline after the last source.`);
    i++;
    items.push({ ...item, source: source.bytes });
  }
  if (items.length === 0) return refuse('action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  return { ok: true, items };
}
