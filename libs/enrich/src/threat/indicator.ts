/**
 * One indicator of compromise, normalised once at load so that matching an
 * event is a map probe: addresses and networks as numbers, domains lower case
 * without a trailing dot, URLs in WHATWG form, hashes lower case.
 */
import { parseNetwork, type IpNetwork } from '../ip/ip-address';

/** ECS `threat.indicator.type` values this lib matches. */
export type IndicatorType = 'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url' | 'file';
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

export interface IndicatorValue {
  readonly type: IndicatorType;
  /** The normalised value, also the display name (`threat.indicator.name`). */
  readonly value: string;
  readonly network?: IpNetwork;
  readonly hash?: HashAlgorithm;
}

export interface IndicatorContext {
  /** The file the indicator came from (its base name); `threat.enrichments.matched.index`. */
  readonly feed: string;
  readonly provider?: string;
  readonly description?: string;
  /** ECS confidence: None, Low, Medium, High or Not Specified. */
  readonly confidence?: string;
  /** The id of the indicator in its source (STIX id, MISP attribute uuid). */
  readonly id?: string;
}

export type Indicator = IndicatorValue & IndicatorContext;

/** What a declared type (CSV `type` column, MISP attribute type, STIX object path) requires. */
export type ExpectedKind = 'ip' | 'domain' | 'url' | HashAlgorithm | 'hash';

/** Longer than any real indicator; a longer "value" is a corrupt line. */
export const MAX_INDICATOR_LENGTH = 4096;

const HASH_BY_LENGTH: Readonly<Record<number, HashAlgorithm>> = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' };
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const LOOKS_LIKE_NETWORK = /^[0-9a-f:.]+\/\S*$/i;
const CONTROL = /[\u0000-\u001f\u007f\ufffd]/;

/**
 * Reads one indicator from text, inferring its type when `expected` is not
 * given. Returns the reason it was rejected otherwise: a short snake_case
 * word that is counted and logged.
 */
export function readIndicator(raw: string, expected?: ExpectedKind): IndicatorValue | string {
  const text = raw.trim();
  if (text.length === 0) return 'empty';
  if (text.length > MAX_INDICATOR_LENGTH) return 'too_long';
  if (CONTROL.test(text)) return 'not_text';
  switch (expected) {
    case undefined:
      return inferred(text);
    case 'ip':
      return ipIndicator(text) ?? 'invalid_ip';
    case 'domain':
      return domainIndicator(text) ?? 'invalid_domain';
    case 'url':
      return urlIndicator(URL_SCHEME.test(text) ? text : `http://${text}`) ?? 'invalid_url';
    default: {
      const hash = hashIndicator(text);
      if (!hash || (expected !== 'hash' && hash.hash !== expected)) return 'invalid_hash';
      return hash;
    }
  }
}

function inferred(text: string): IndicatorValue | string {
  const ip = ipIndicator(text);
  if (ip) return ip;
  if (LOOKS_LIKE_NETWORK.test(text)) return 'invalid_cidr';
  const hash = hashIndicator(text);
  if (hash) return hash;
  if (URL_SCHEME.test(text)) return urlIndicator(text) ?? 'invalid_url';
  return domainIndicator(text) ?? 'unrecognised';
}

function ipIndicator(text: string): IndicatorValue | undefined {
  const network = parseNetwork(text);
  if (!network) return undefined;
  return { type: network.address.version === 4 ? 'ipv4-addr' : 'ipv6-addr', value: text.toLowerCase(), network };
}

function hashIndicator(text: string): IndicatorValue | undefined {
  const hash = /^[0-9a-f]+$/i.test(text) ? HASH_BY_LENGTH[text.length] : undefined;
  return hash && { type: 'file', value: text.toLowerCase(), hash };
}

function domainIndicator(text: string): IndicatorValue | undefined {
  const domain = normaliseDomain(text.startsWith('*.') ? text.slice(2) : text);
  return DOMAIN.test(domain) ? { type: 'domain-name', value: domain } : undefined;
}

function urlIndicator(text: string): IndicatorValue | undefined {
  const url = normaliseUrl(text);
  return url === undefined ? undefined : { type: 'url', value: url };
}

export function normaliseDomain(text: string): string {
  const lower = text.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** WHATWG form: scheme and host lower case, default port dropped, path kept as written. */
export function normaliseUrl(text: string): string | undefined {
  if (!URL_SCHEME.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.hostname === '' ? undefined : url.href;
  } catch {
    return undefined;
  }
}

/** ECS `threat.indicator.confidence` from a 0-100 score (STIX 2.1 appendix A scale) or a word. */
export function ecsConfidence(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value <= 0) return 'None';
    if (value < 30) return 'Low';
    if (value < 70) return 'Medium';
    return 'High';
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (/^\d{1,3}$/.test(text)) return ecsConfidence(Number(text));
  const words: Record<string, string> = { none: 'None', low: 'Low', medium: 'Medium', med: 'Medium', high: 'High', 'not specified': 'Not Specified' };
  return words[text];
}
