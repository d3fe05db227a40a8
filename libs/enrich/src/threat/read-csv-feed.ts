/**
 * CSV indicator files: a header row naming the columns, in any order and
 * case. Only the indicator column is required; `type` is inferred when
 * absent or empty. Other columns are ignored.
 */
import { EnrichError, EnrichErrorCodes } from '../errors';
import { parseCsv } from '../files/csv';
import { ecsConfidence, type ExpectedKind } from './indicator';
import type { FeedCollector } from './feed-collector';

const COLUMN_ALIASES: Readonly<Record<string, readonly string[]>> = {
  indicator: ['indicator', 'value', 'ioc', 'observable'],
  type: ['type', 'indicator_type', 'ioc_type'],
  provider: ['provider', 'source', 'feed'],
  description: ['description', 'comment', 'threat'],
  confidence: ['confidence'],
  id: ['id', 'uuid'],
};

/** CSV `type` words and the kind of value each requires. */
const TYPE_WORDS: Readonly<Record<string, ExpectedKind>> = {
  ip: 'ip', ipv4: 'ip', ipv6: 'ip', 'ipv4-addr': 'ip', 'ipv6-addr': 'ip', cidr: 'ip', network: 'ip', 'ip-src': 'ip', 'ip-dst': 'ip',
  domain: 'domain', 'domain-name': 'domain', hostname: 'domain', fqdn: 'domain',
  url: 'url', uri: 'url',
  md5: 'md5', sha1: 'sha1', 'sha-1': 'sha1', sha256: 'sha256', 'sha-256': 'sha256', sha512: 'sha512', 'sha-512': 'sha512', hash: 'hash', file: 'hash',
};

export function readCsvFeed(text: string, path: string, collector: FeedCollector): void {
  const { records, unterminatedQuoteLine } = parseCsv(text);
  if (unterminatedQuoteLine !== undefined) {
    throw new EnrichError(
      EnrichErrorCodes.feedInvalid,
      `The CSV indicator file "${path}" has a quoted field opened on line ${unterminatedQuoteLine} and never closed; close the quote (a quote inside a field is written twice: "").`,
      { path },
    );
  }
  const [header, ...rows] = records;
  if (!header) return;
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const column = (key: string): number => names.findIndex((name) => COLUMN_ALIASES[key]!.includes(name));
  const indicatorColumn = column('indicator');
  if (indicatorColumn === -1) {
    throw new EnrichError(
      EnrichErrorCodes.feedInvalid,
      `The CSV indicator file "${path}" has no indicator column in its header (${names.join(', ')}); name the column of values "indicator" or "value".`,
      { path },
    );
  }
  const [typeColumn, providerColumn, descriptionColumn, confidenceColumn, idColumn] = ['type', 'provider', 'description', 'confidence', 'id'].map(column);
  const cell = (fields: string[], index: number | undefined): string | undefined => (index === undefined || index < 0 ? undefined : fields[index]?.trim());
  for (const { line, fields } of rows) {
    const typeWord = cell(fields, typeColumn)?.toLowerCase();
    const expected = typeWord ? TYPE_WORDS[typeWord] : undefined;
    if (typeWord && !expected) {
      collector.ignore(`type_${typeWord.slice(0, 32)}`);
      continue;
    }
    collector.add(
      cell(fields, indicatorColumn) ?? '',
      `line ${line}`,
      {
        provider: cell(fields, providerColumn),
        description: cell(fields, descriptionColumn),
        confidence: ecsConfidence(cell(fields, confidenceColumn)),
        id: cell(fields, idColumn),
      },
      expected,
    );
  }
}
