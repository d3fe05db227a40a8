import type { IndexableEvent } from '../types';
import { dailyIndexName } from './index-names';

/** The NDJSON body of a bulk request: per event an index action (daily index, id) and the document, each on one line. */
export function bulkBody(indexPrefix: string, events: readonly IndexableEvent[]): string {
  let body = '';
  for (const event of events) {
    body += `{"index":{"_index":${JSON.stringify(dailyIndexName(indexPrefix, event.timestamp))},"_id":${JSON.stringify(event.id)}}}\n${JSON.stringify(event.document)}\n`;
  }
  return body;
}
