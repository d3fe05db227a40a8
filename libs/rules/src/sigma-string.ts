/**
 * Sigma string values: `*` any run of characters, `?` one character, `\`
 * escapes `*`, `?` and itself and is a plain backslash before anything else
 * (as pySigma reads them), and the encoding modifiers that rewrite a value
 * before it is matched (base64, base64offset, utf16*, wide, windash, expand).
 */

export const ANY = Symbol('*');
export const ONE = Symbol('?');
export type Part = string | typeof ANY | typeof ONE;

/** A value as parts; `bytes` marks text that holds one byte per character (after a utf16 modifier). */
export interface SigmaString {
  readonly parts: readonly Part[];
  readonly bytes: boolean;
}

export function parseSigmaString(text: string): SigmaString {
  const parts: Part[] = [];
  let literal = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === '\\') {
      const next = text[index + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        index++;
      } else {
        literal += char;
      }
    } else if (char === '*' || char === '?') {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(char === '*' ? ANY : ONE);
    } else {
      literal += char;
    }
  }
  if (literal !== '') parts.push(literal);
  return { parts, bytes: false };
}

export function plainText(value: SigmaString): string | undefined {
  let text = '';
  for (const part of value.parts) {
    if (typeof part !== 'string') return undefined;
    text += part;
  }
  return text;
}

function literal(text: string, bytes: boolean): SigmaString {
  return { parts: text === '' ? [] : [text], bytes };
}

function toBytes(value: SigmaString): Buffer {
  const text = plainText(value) ?? '';
  return Buffer.from(text, value.bytes ? 'latin1' : 'utf8');
}

export function utf16(value: SigmaString, order: 'le' | 'be', bom: boolean): SigmaString {
  const text = plainText(value) ?? '';
  let out = bom ? '\xff\xfe' : '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    out += order === 'le' ? String.fromCharCode(unit & 0xff, unit >> 8) : String.fromCharCode(unit >> 8, unit & 0xff);
  }
  return literal(out, true);
}

export function base64(value: SigmaString): SigmaString {
  return literal(toBytes(value).toString('base64'), false);
}

/**
 * The three encodings of a value at byte offsets 0, 1 and 2 inside a longer
 * base64 text, with the characters that depend on the unknown neighbours cut
 * off (the same cut as pySigma's base64offset).
 */
export function base64Offsets(value: SigmaString): SigmaString[] {
  const bytes = toBytes(value);
  const startOffsets = [0, 2, 3];
  const endOffsets = [undefined, -3, -2];
  const variants: SigmaString[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64');
    const end = endOffsets[(bytes.length + shift) % 3];
    variants.push(literal(encoded.slice(startOffsets[shift], end), false));
  }
  return variants;
}

const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_VARIANTS = 4096;
const WORD = /\w/;

/**
 * Command-line options written with any of the dashes Windows programs
 * accept: a `-` or `/` after a non-word character and before a word character
 * becomes each of -, /, en dash, em dash and horizontal bar.
 */
export function windash(value: SigmaString): SigmaString[] {
  let variants: Part[][] = [[]];
  const parts = value.parts;
  for (let partIndex = 0; partIndex < parts.length; partIndex++) {
    const part = parts[partIndex] as Part;
    if (typeof part !== 'string') {
      for (const variant of variants) variant.push(part);
      continue;
    }
    let chunk = '';
    for (let index = 0; index < part.length; index++) {
      const char = part[index] as string;
      const before = index > 0 ? part[index - 1] : partIndex > 0 ? parts[partIndex - 1] : undefined;
      const after = index + 1 < part.length ? part[index + 1] : undefined;
      const dash = (char === '-' || char === '/') && (typeof before !== 'string' || !WORD.test(before)) && after !== undefined && WORD.test(after);
      if (!dash) {
        chunk += char;
        continue;
      }
      const next: Part[][] = [];
      for (const variant of variants) for (const replacement of WINDASH_CHARACTERS) next.push([...variant, chunk + replacement]);
      variants = next;
      chunk = '';
      if (variants.length > MAX_VARIANTS) throw new RangeError(`windash makes more than ${MAX_VARIANTS} variants of one value; split the value`);
    }
    if (chunk !== '') for (const variant of variants) variant.push(chunk);
  }
  return variants.map((variant) => ({ parts: mergeLiterals(variant), bytes: value.bytes }));
}

function mergeLiterals(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
    else if (part !== '') merged.push(part);
  }
  return merged;
}

const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/g;

/** `%name%` replaced by each value configured for it; unknown names are returned for the error. */
export function expandPlaceholders(value: SigmaString, placeholders: Readonly<Record<string, readonly string[]>>): { variants: SigmaString[]; unknown: string[] } {
  let variants: Part[][] = [[]];
  const unknown: string[] = [];
  for (const part of value.parts) {
    if (typeof part !== 'string') {
      for (const variant of variants) variant.push(part);
      continue;
    }
    let last = 0;
    for (const match of part.matchAll(PLACEHOLDER)) {
      const name = match[1] ?? '';
      const before = part.slice(last, match.index);
      last = (match.index ?? 0) + match[0].length;
      const replacements = Object.hasOwn(placeholders, name) ? placeholders[name] : undefined;
      if (replacements === undefined || replacements.length === 0) {
        unknown.push(name);
        continue;
      }
      const next: Part[][] = [];
      for (const variant of variants) for (const replacement of replacements) next.push([...variant, before, ...parseSigmaString(replacement).parts]);
      variants = next;
      if (variants.length > MAX_VARIANTS) throw new RangeError(`expand makes more than ${MAX_VARIANTS} variants of one value`);
    }
    const rest = part.slice(last);
    for (const variant of variants) variant.push(rest);
  }
  return { variants: variants.map((variant) => ({ parts: mergeLiterals(variant), bytes: value.bytes })), unknown };
}

export function withWildcards(value: SigmaString, leading: boolean, trailing: boolean): SigmaString {
  const parts = [...value.parts];
  if (leading && parts[0] !== ANY) parts.unshift(ANY);
  if (trailing && parts[parts.length - 1] !== ANY) parts.push(ANY);
  return { parts, bytes: value.bytes };
}
