/**
 * Asset (host) and identity (user) tables from CSV: a header row, one key
 * column, any other columns. Keys are compared lower case. Column names
 * become field names, so they must be lower_snake_case; a `tags` or `roles`
 * column holds several values separated by `;`.
 */
import { EnrichError, EnrichErrorCodes } from '../errors';
import { parseCsv } from '../files/csv';
import { parseIp } from '../ip/ip-address';

export type EntityRow = Readonly<Record<string, string | string[]>>;

export interface EntityTable {
  readonly path: string;
  readonly rows: number;
  readonly skipped: number;
  /** Rows by lower-case key, and by any extra key column (an asset's IPs, a user's email). */
  readonly byKey: ReadonlyMap<string, EntityRow>;
}

export interface EntityTableSpec {
  readonly what: string;
  /** Accepted names of the key column, first match wins. */
  readonly keyColumns: readonly string[];
  /** Columns whose values are also keys, e.g. `ip`; may hold several values separated by `;`. */
  readonly alternateKeyColumns: readonly string[];
}

const COLUMN_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const LIST_COLUMNS = new Set(['tags', 'roles', 'ip']);
const MAX_CELL_LENGTH = 4096;

export function readEntityTable(content: Buffer, path: string, spec: EntityTableSpec): EntityTable {
  const invalid = (why: string): EnrichError => new EnrichError(EnrichErrorCodes.tableInvalid, `The ${spec.what} "${path}" ${why}`, { path });
  const { records, unterminatedQuoteLine } = parseCsv(content.toString('utf8'));
  if (unterminatedQuoteLine !== undefined) throw invalid(`has a quoted field opened on line ${unterminatedQuoteLine} and never closed; close the quote (a quote inside a field is written twice: "").`);
  const [header, ...rows] = records;
  if (!header) throw invalid(`is empty; it needs a header row with a ${spec.keyColumns[0]} column.`);
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const keyColumn = names.findIndex((name) => spec.keyColumns.includes(name));
  if (keyColumn === -1) throw invalid(`has no key column in its header (${names.join(', ').slice(0, 200)}); name it ${spec.keyColumns.join(' or ')}.`);
  const badName = names.find((name, column) => column !== keyColumn && !COLUMN_NAME.test(name));
  if (badName !== undefined) throw invalid(`has a column named ${JSON.stringify(badName.slice(0, 80))}; column names become field names and must be lower_snake_case.`);

  const byKey = new Map<string, EntityRow>();
  let skipped = 0;
  for (const { fields } of rows) {
    const key = fields[keyColumn]?.trim().toLowerCase() ?? '';
    if (key === '' || key.length > 255 || fields.some((cell) => cell.length > MAX_CELL_LENGTH)) {
      skipped++;
      continue;
    }
    const row: Record<string, string | string[]> = {};
    names.forEach((name, column) => {
      const cell = fields[column]?.trim() ?? '';
      if (column === keyColumn || cell === '') return;
      row[name] = LIST_COLUMNS.has(name) ? cell.split(';').map((item) => item.trim()).filter(Boolean) : cell;
    });
    Object.freeze(row);
    byKey.set(key, row);
    for (const column of spec.alternateKeyColumns) {
      for (const alternate of [row[column] ?? []].flat()) {
        const normalised = column === 'ip' ? (parseIp(alternate) ? alternate.toLowerCase() : undefined) : alternate.toLowerCase();
        if (normalised && !byKey.has(normalised)) byKey.set(normalised, row);
      }
    }
  }
  if (byKey.size === 0 && skipped > 0) throw invalid(`has ${skipped} rows and none with a usable ${names[keyColumn]}; check that the path names the right file.`);
  return { path, rows: rows.length - skipped, skipped, byKey };
}
