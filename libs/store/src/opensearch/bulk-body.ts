import type { IndexableEvent } from '../types';
import { dailyIndexName } from './index-names';

/** The NDJSON body of a bulk request: per event an index action (daily index, id) and the document, each on one line. */
export function bulkBody(indexPrefix: string, events: readonly IndexableEvent[]): string {
  // A chunk spans a day or two: the start of each action line is rendered once per day, not per event.
  const actionStarts = new Map<string, string>();
  let body = '';
  for (const event of events) {
    const day = event.timestamp.slice(0, 10);
    let actionStart = actionStarts.get(day);
    if (actionStart === undefined) {
      actionStart = `{"index":{"_index":${JSON.stringify(dailyIndexName(indexPrefix, event.timestamp))},"_id":`;
      actionStarts.set(day, actionStart);
    }
    body += `${actionStart}${JSON.stringify(event.id)}}}\n${JSON.stringify(event.document)}\n`;
  }
  return body;
}
