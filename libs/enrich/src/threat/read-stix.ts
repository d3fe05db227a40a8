/**
 * STIX 2.1 bundles (or a single indicator object). An indicator is usable
 * when its pattern is one or more equality comparisons joined by OR, e.g.
 * `[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32']`
 * or `[file:hashes.'SHA-256' = '…']`: each comparison is then an atomic
 * indicator. Patterns that need a correlation (AND, FOLLOWEDBY, WITHIN,
 * MATCHES...) are a job for a rule, not a lookup, and are ignored and counted.
 */
import { ecsConfidence, type ExpectedKind } from './indicator';
import type { FeedCollector } from './feed-collector';

type Token = { kind: 'bracket' } | { kind: 'string'; text: string } | { kind: 'word'; text: string } | { kind: 'equals' } | { kind: 'other' };

const PATH_KINDS: Readonly<Record<string, ExpectedKind>> = {
  'ipv4-addr:value': 'ip',
  'ipv6-addr:value': 'ip',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'file:hashes.md5': 'md5',
  'file:hashes.sha1': 'sha1',
  'file:hashes.sha256': 'sha256',
  'file:hashes.sha512': 'sha512',
};

export function isStixContent(json: unknown): boolean {
  const type = (json as { type?: unknown } | null)?.type;
  return type === 'bundle' || type === 'indicator';
}

export function readStix(json: unknown, collector: FeedCollector, now: Date): void {
  const root = json as { type: string; objects?: unknown };
  const objects = root.type === 'bundle' ? (Array.isArray(root.objects) ? root.objects : []) : [root];
  const identities = new Map<string, string>();
  for (const object of objects) {
    const o = object as Record<string, unknown> | null;
    if (o?.type === 'identity' && typeof o.id === 'string' && typeof o.name === 'string') identities.set(o.id, o.name);
  }
  objects.forEach((object, index) => {
    const o = object as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object' || o.type !== 'indicator') return;
    const where = `object ${index}${typeof o.id === 'string' ? ` (${o.id})` : ''}`;
    if (o.revoked === true) return collector.ignore('revoked');
    if (typeof o.valid_until === 'string' && Date.parse(o.valid_until) < now.getTime()) return collector.ignore('expired');
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') return collector.ignore(`pattern_type_${String(o.pattern_type).slice(0, 32)}`);
    if (typeof o.pattern !== 'string') return collector.skip('no_pattern', where);
    const comparisons = orComparisons(o.pattern);
    if (comparisons === undefined) return collector.ignore('pattern_not_a_lookup');
    const context = {
      provider: typeof o.created_by_ref === 'string' ? identities.get(o.created_by_ref) : undefined,
      description: (typeof o.description === 'string' && o.description) || (typeof o.name === 'string' ? o.name : undefined),
      confidence: ecsConfidence(o.confidence),
      id: typeof o.id === 'string' ? o.id : undefined,
    };
    for (const { path, value } of comparisons) {
      const kind = PATH_KINDS[path];
      if (kind) collector.add(value, where, context, kind);
      else collector.ignore(`object_path_${path.slice(0, 48)}`);
    }
  });
}

/** The comparisons of a pattern that is only `path = 'value'` joined by OR; undefined otherwise. */
function orComparisons(pattern: string): { path: string; value: string }[] | undefined {
  const tokens = tokenize(pattern)?.filter((token) => token.kind !== 'bracket');
  if (!tokens || tokens.length === 0) return undefined;
  const comparisons: { path: string; value: string }[] = [];
  for (let i = 0; i < tokens.length; i += 4) {
    const [path, equals, value, connector] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (path?.kind !== 'word' || equals?.kind !== 'equals' || value?.kind !== 'string') return undefined;
    if (connector !== undefined && (connector.kind !== 'word' || connector.text !== 'OR')) return undefined;
    comparisons.push({ path: normalisePath(path.text), value: value.text });
  }
  return comparisons;
}

/** `file:hashes.'SHA-256'` and `file:hashes.SHA256` are the same path. */
function normalisePath(path: string): string {
  const colon = path.indexOf(':');
  const object = path.slice(0, colon);
  const property = path.slice(colon + 1).replaceAll("'", '');
  return object === 'file' && property.startsWith('hashes.') ? `file:hashes.${property.slice(7).toLowerCase().replaceAll('-', '')}` : `${object}:${property}`;
}

function tokenize(pattern: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('[]()'.includes(c)) {
      tokens.push({ kind: 'bracket' });
      i++;
    } else if (c === "'") {
      const literal = readLiteral(pattern, i);
      if (!literal) return undefined;
      tokens.push({ kind: 'string', text: literal.text });
      i = literal.end;
    } else if (c === '=') {
      tokens.push({ kind: 'equals' });
      i++;
    } else if ('!<>'.includes(c)) {
      tokens.push({ kind: 'other' });
      i++;
    } else {
      // An object path may hold quoted segments: file:hashes.'SHA-256'.
      let text = '';
      while (i < pattern.length && !/[\s[\]()=!<>]/.test(pattern[i]!)) {
        if (pattern[i] === "'") {
          const literal = readLiteral(pattern, i);
          if (!literal) return undefined;
          text += `'${literal.text}'`;
          i = literal.end;
        } else text += pattern[i++];
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

function readLiteral(pattern: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = start + 1; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) text += pattern[++i];
    else if (c === "'") return { text, end: i + 1 };
    else text += c;
  }
  return undefined;
}
