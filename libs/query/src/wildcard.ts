/** Reading wildcard patterns in Lucene syntax: `*` any characters, `?` one, `\` escapes the next character. */

/** The characters before the first unescaped wildcard, escapes removed. */
export function literalPrefix(pattern: string): string {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' || char === '?') break;
    if (char === '\\') {
      i++;
      prefix += pattern[i] ?? '';
    } else {
      prefix += char;
    }
  }
  return prefix;
}

/** True when the only wildcard is one `*` at the end (`web-*`): a prefix. */
export function isPrefixPattern(pattern: string): boolean {
  let escaped = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (escaped) escaped = false;
    else if (char === '\\') escaped = true;
    else if (char === '*' || char === '?') return char === '*' && i === pattern.length - 1;
  }
  return false;
}

/** The SQLite GLOB pattern of the same strings: `*` and `?` stay, the escaped ones and `[` become classes. */
export function globOf(pattern: string): string {
  let glob = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) {
      i++;
      const escaped = pattern[i]!;
      glob += escaped === '*' || escaped === '?' || escaped === '[' ? `[${escaped}]` : escaped;
    } else {
      glob += char === '[' ? '[[]' : char;
    }
  }
  return glob;
}
