/**
 * Reads an indicator file in whichever format it is in: JSON content is a
 * STIX 2.1 bundle or a MISP export (told apart by their shape), a `.csv` file
 * is CSV, anything else is a plain list. A file whose entries are all
 * malformed is refused as a whole: it is the wrong file, or a broken
 * download, and must not silently replace a good one.
 */
import { basename, extname } from 'node:path';
import { EnrichError, EnrichErrorCodes } from '../errors';
import { FeedCollector, type FeedContent } from './feed-collector';
import { readCsvFeed } from './read-csv-feed';
import { isMispContent, readMisp } from './read-misp';
import { readPlainList } from './read-plain-list';
import { isStixContent, readStix } from './read-stix';

export type FeedFormat = 'plain' | 'csv' | 'stix' | 'misp';

export interface Feed extends FeedContent {
  readonly path: string;
  readonly format: FeedFormat;
}

export function readFeed(content: Buffer, path: string, now: Date = new Date()): Feed {
  const text = content.toString('utf8');
  const collector = new FeedCollector(basename(path));
  const format = detectFormat(text, path);
  if (format === 'stix' || format === 'misp') {
    const json = parseJson(text, path);
    if (isStixContent(json)) readStix(json, collector, now);
    else if (isMispContent(json)) readMisp(json, collector);
    else {
      throw new EnrichError(
        EnrichErrorCodes.feedInvalid,
        `The indicator file "${path}" is JSON but neither a STIX 2.1 bundle ({"type": "bundle", "objects": [...]}) nor a MISP export ({"Event": {...}}); export the feed in one of these formats, or as a plain list.`,
        { path },
      );
    }
    return finish(collector, path, isStixContent(json) ? 'stix' : 'misp');
  }
  if (format === 'csv') readCsvFeed(text, path, collector);
  else readPlainList(text, collector);
  return finish(collector, path, format);
}

function detectFormat(text: string, path: string): FeedFormat {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return 'stix';
  return extname(path).toLowerCase() === '.csv' ? 'csv' : 'plain';
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new EnrichError(
      EnrichErrorCodes.feedInvalid,
      `The indicator file "${path}" starts like JSON but does not parse (${(cause as Error).message}); fix or re-export it.`,
      { path, cause },
    );
  }
}

function finish(collector: FeedCollector, path: string, format: FeedFormat): Feed {
  if (collector.indicators.length === 0 && collector.skippedCount > 0) {
    throw new EnrichError(
      EnrichErrorCodes.feedInvalid,
      `None of the ${collector.skippedCount} entries of the indicator file "${path}" is a valid indicator (${collector.examples.join('; ')}); check that the path names an indicator file and that it is complete.`,
      { path },
    );
  }
  return Object.assign(collector, { path, format });
}
