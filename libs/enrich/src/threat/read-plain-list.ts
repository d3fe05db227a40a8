/**
 * One indicator per line, its type inferred. `#` and `;` start comments (a
 * whole line, or after whitespace: Spamhaus DROP writes `1.2.3.0/24 ; SBL1`);
 * text after the indicator and a blank is kept as its description.
 */
import { FeedCollector } from './feed-collector';

export function readPlainList(text: string, collector: FeedCollector): void {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    const comment = line.search(/(^|\s)[#;]/);
    if (comment !== -1) line = line.slice(0, comment);
    line = line.trim();
    if (line === '' || line.startsWith('//')) continue;
    const blank = line.search(/\s/);
    const value = blank === -1 ? line : line.slice(0, blank);
    const description = blank === -1 ? undefined : line.slice(blank).trim();
    collector.add(value, `line ${index + 1}`, { description });
  }
}
