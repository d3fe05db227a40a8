/**
 * The text analysis both stores share: `analyzeText` is the embedded store's twin of
 * OpenSearch's standard analyzer, and keyword tokens let the embedded store find exact
 * values of its term fields through its full-text index.
 */

/** Longer keyword values are not indexed, like the keyword fields' ignore_above in the OpenSearch template. */
export const MAX_KEYWORD_LENGTH = 2048;

// One token of Lucene's standard tokenizer (UAX #29 word boundaries): letters and digits
// stay joined across '_', across . ' ’ ‘ : · between letters and across . , ; ' ’ ‘ between
// digits; so `192.168.1.10`, `example.com`, `don't` and `user_id` are single tokens.
const TOKEN =
  /(?:[\p{L}\p{N}\p{M}_]|(?<=[\p{L}\p{M}])[.:'’‘·](?=\p{L})|(?<=\p{N})[.,;'’‘](?=\p{N}))+/gu;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;
const IDEOGRAPHIC_OR_REST = /[\p{sc=Han}\p{sc=Hiragana}]|[^\p{sc=Han}\p{sc=Hiragana}]+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_TOKEN_LENGTH = 255;

/**
 * Splits text into lowercase tokens the way OpenSearch's standard analyzer does for the
 * cases logs contain (ASCII words, numbers, addresses, host names; Han and Hiragana one
 * character per token; tokens longer than 255 split). The embedded store indexes
 * `message` with it and the compiler tokenises queries with it, so both sides agree.
 */
export function analyzeText(text: string): string[] {
  return NON_ASCII.test(text) ? analyzeUnicode(text) : analyzeAscii(text);
}

function analyzeUnicode(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const word = match[0];
    if (!HAS_WORD_CHARACTER.test(word)) continue;
    if (NON_ASCII.test(word)) {
      for (const part of word.matchAll(IDEOGRAPHIC_OR_REST)) {
        if (HAS_WORD_CHARACTER.test(part[0])) pushToken(tokens, part[0]);
      }
    } else {
      pushToken(tokens, word);
    }
  }
  return tokens;
}

const enum Ascii {
  Other = 0,
  Letter = 1,
  Digit = 2,
  Underscore = 3,
}

function asciiClass(code: number): Ascii {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return Ascii.Letter;
  if (code >= 48 && code <= 57) return Ascii.Digit;
  return code === 95 ? Ascii.Underscore : Ascii.Other;
}

/** The same rules as TOKEN for ASCII text, without a regular expression: logs are mostly ASCII and this runs per event. */
function analyzeAscii(text: string): string[] {
  const tokens: string[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (asciiClass(text.charCodeAt(i)) === Ascii.Other) {
      i++;
      continue;
    }
    const start = i;
    let hasWordCharacter = false;
    while (i < length) {
      const kind = asciiClass(text.charCodeAt(i));
      if (kind !== Ascii.Other) {
        hasWordCharacter ||= kind !== Ascii.Underscore;
        i++;
        continue;
      }
      const connector = text.charCodeAt(i);
      const before = asciiClass(text.charCodeAt(i - 1));
      const after = i + 1 < length ? asciiClass(text.charCodeAt(i + 1)) : Ascii.Other;
      // . : ' join letters; . , ; ' join digits.
      const joinsLetters = before === Ascii.Letter && after === Ascii.Letter && (connector === 46 || connector === 58 || connector === 39);
      const joinsDigits = before === Ascii.Digit && after === Ascii.Digit && (connector === 46 || connector === 44 || connector === 59 || connector === 39);
      if (!joinsLetters && !joinsDigits) break;
      i++;
    }
    if (hasWordCharacter) pushToken(tokens, text.slice(start, i));
  }
  return tokens;
}

function pushToken(tokens: string[], word: string): void {
  const lower = word.toLowerCase();
  for (let start = 0; start < lower.length; start += MAX_TOKEN_LENGTH) tokens.push(lower.slice(start, start + MAX_TOKEN_LENGTH));
}

/** Characters that stand for themselves in a keyword token: printable ASCII but space, A-Z and `~`. */
const PLAIN_KEYWORD = /^[\x21-\x40\x5b-\x7d]*$/;

/**
 * Writes a keyword so that the FTS tokenizer neither splits nor case-folds it, and so
 * that a prefix of the keyword encodes to a prefix of its encoding: `~` escapes an
 * uppercase letter (`~w`), itself (`~~`) and any other character (`~#e9;`).
 */
export function encodeKeyword(text: string): string {
  if (PLAIN_KEYWORD.test(text)) return text;
  let encoded = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code >= 0x41 && code <= 0x5a) encoded += `~${character.toLowerCase()}`;
    else if (code === 0x7e) encoded += '~~';
    else if (code > 0x20 && code < 0x7f) encoded += character;
    else encoded += `~#${code.toString(16)};`;
  }
  return encoded;
}

/** The token standing for `field` having the keyword `value`; a token of the same field with a longer value never starts with it unless the value does. */
export function keywordToken(field: string, value: string): string {
  return `${encodeKeyword(field)}=${encodeKeyword(value)}`;
}

