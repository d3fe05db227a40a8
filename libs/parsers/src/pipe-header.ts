/**
 * The pipe-separated headers of CEF and LEEF (`Vendor|Product|Version|...|`),
 * where `\|` is a pipe inside a field and `\\` a backslash. Any other
 * backslash is kept as written: devices put Windows paths in headers unescaped.
 */

function unescapeHeaderField(text: string): string {
  let result = '';
  let copied = 0;
  for (let index = 0; index < text.length - 1; index++) {
    if (text.charCodeAt(index) !== 0x5c) continue;
    const next = text.charCodeAt(index + 1);
    if (next === 0x7c || next === 0x5c) {
      result += text.slice(copied, index);
      copied = index + 1;
      index++;
    }
  }
  return result + text.slice(copied);
}

/**
 * Reads `fields.length` pipe-terminated fields from `start` into `fields`.
 * Returns the index just after the last pipe, or `-1 - found` when the text
 * ends after only `found` pipes.
 */
export function scanPipeHeader(text: string, start: number, fields: string[]): number {
  let fieldStart = start;
  let escaped = false;
  let found = 0;
  let backslash = text.indexOf('\\', start);
  let pipe = text.indexOf('|', start);
  while (pipe >= 0) {
    if (backslash >= 0 && backslash < pipe) {
      const next = text.charCodeAt(backslash + 1);
      let resume = backslash + 1;
      if (next === 0x7c || next === 0x5c) {
        escaped = true;
        resume++;
        if (pipe < resume) pipe = text.indexOf('|', resume);
      }
      backslash = text.indexOf('\\', resume);
      continue;
    }
    const raw = text.slice(fieldStart, pipe);
    fields[found] = escaped ? unescapeHeaderField(raw) : raw;
    found++;
    if (found === fields.length) return pipe + 1;
    fieldStart = pipe + 1;
    escaped = false;
    pipe = text.indexOf('|', fieldStart);
  }
  return -1 - found;
}
