/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
 * Records starting with `#` are comments, as in the abuse.ch and most other
 * published feeds. An unterminated quote ends the file as one bad record
 * instead of swallowing it silently.
 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export interface CsvParseResult {
  readonly records: CsvRecord[];
  /** Line of an unterminated quoted field, when the file has one. */
  readonly unterminatedQuoteLine?: number;
}

export function parseCsv(text: string): CsvParseResult {
  const records: CsvRecord[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let atRecordStart = true;
  let inQuotes = false;
  let quoteStartLine = 0;
  let comment = false;

  const endRecord = (): void => {
    if (!comment && !(fields.length === 0 && field === '')) {
      fields.push(field);
      records.push({ line: recordLine, fields });
    }
    fields = [];
    field = '';
    comment = false;
    atRecordStart = true;
  };

  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (atRecordStart) {
      recordLine = line;
      atRecordStart = false;
      if (c === '#') comment = true;
    }
    if (comment) {
      const newline = input.indexOf('\n', i);
      i = newline === -1 ? input.length : newline;
      line++;
      endRecord();
      continue;
    }
    if (inQuotes) {
      // Copy the run up to the next quote at once: a 1 MB field is one slice, not a million appends.
      const quote = input.indexOf('"', i);
      const runEnd = quote === -1 ? input.length : quote;
      const run = input.slice(i, runEnd);
      field += run;
      line += countNewlines(run);
      i = runEnd;
      if (quote === -1) break;
      if (input[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
      quoteStartLine = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      line++;
      endRecord();
    } else if (c !== '\r' || input[i + 1] !== '\n') {
      const runEnd = nextSpecial(input, i);
      field += input.slice(i, runEnd);
      i = runEnd - 1;
    }
  }
  if (inQuotes) return { records, unterminatedQuoteLine: quoteStartLine };
  endRecord();
  return { records };
}

const SPECIAL = /[,\r\n"]/g;

function nextSpecial(input: string, from: number): number {
  SPECIAL.lastIndex = from + 1;
  return SPECIAL.exec(input)?.index ?? input.length;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
