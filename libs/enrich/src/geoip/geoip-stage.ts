/**
 * GeoIP of source, destination, client and server addresses. Addresses that
 * name no place (the special-purpose ranges: private, shared, loopback,
 * link-local, multicast, unspecified, broadcast, documentation, benchmarking,
 * reserved) are not looked up; the event gets the ECS tag
 * `<kind>_<field>_ip` instead, e.g. `private_source_ip`. Results are cached
 * per address (a dotted quad by its number), so a busy address costs one map
 * probe; an IPv4 address that is special costs none. A database answers for
 * whole networks, so an IPv4 answer that holds for a /24 or wider is cached
 * under its /24 and serves the other addresses there too.
 */
import type { EcsEvent } from '@siem/schema';
import type { EnrichConfig } from '../config';
import { addTag, objectAt } from '../event-fields';
import { loadWatchedFile, sumReloads, type ReloadCounts, type WatchOptions, type WatchedFile } from '../files/watched-file';
import { parseIp, readIpv4, specialAddressKind, specialIpv4Kind, type SpecialAddressKind } from '../ip/ip-address';
import { LruCache } from '../lru-cache';
import { bundledDatabasePath, openGeoDatabase, type EcsAs, type EcsGeo, type GeoAnswer, type GeoDatabase, type GeoLookup } from './geo-database';

export const GEOIP_FIELDS = ['source', 'destination', 'client', 'server'] as const;

export interface GeoipCounts {
  found: number;
  notFound: number;
  special: number;
  invalid: number;
  errors: number;
  cacheHits: number;
}

export interface GeoipStage {
  process(event: EcsEvent): void;
  counts(): GeoipCounts;
  databases(): string[];
  reloads(): ReloadCounts;
  close(): void;
}

type GeoipField = (typeof GEOIP_FIELDS)[number];

type Resolved =
  | { readonly kind: 'special'; readonly tags: Readonly<Record<GeoipField, string>> }
  | { readonly kind: 'found'; readonly lookup: GeoLookup }
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' };

const NONE: Resolved = { kind: 'none' };
/** An answer for this prefix or a shorter one is the same for every address of the /24, so it is cached under the /24's number. */
const SHARED_PREFIX_LENGTH = 24;
const INVALID: Resolved = { kind: 'invalid' };

// One result per kind, with its tags written out, so a special address costs no string building.
const specialResults = new Map<SpecialAddressKind, Resolved>();
function specialResult(kind: SpecialAddressKind): Resolved {
  let resolved = specialResults.get(kind);
  if (resolved === undefined) {
    const tags = Object.fromEntries(GEOIP_FIELDS.map((field) => [field, `${kind}_${field}_ip`])) as Record<GeoipField, string>;
    resolved = { kind: 'special', tags };
    specialResults.set(kind, resolved);
  }
  return resolved;
}

export function createGeoipStage(config: Readonly<EnrichConfig>, watch: WatchOptions | undefined): GeoipStage {
  const cache = new LruCache<string, Resolved>(config.geoipCacheSize);
  // Dotted quads are cached by their number: a small-integer key is hashed and compared without reading the text.
  const ipv4Cache = new LruCache<number, Resolved>(config.geoipCacheSize);
  const ipv4NetworkCache = new LruCache<number, Resolved>(config.geoipCacheSize);
  const counts: GeoipCounts = { found: 0, notFound: 0, special: 0, invalid: 0, errors: 0, cacheHits: 0 };
  const files: WatchedFile<GeoDatabase>[] = [];

  const open = (path: string, onReload: (db: GeoDatabase) => void, watched: boolean): GeoDatabase => {
    const file = loadWatchedFile({ path, what: 'GeoIP database', load: openGeoDatabase, onReload: (db) => (onReload(db), cache.clear(), ipv4Cache.clear(), ipv4NetworkCache.clear()) }, watched ? watch : undefined);
    files.push(file);
    return file.initial;
  };

  // The bundled database lives in node_modules and changes only with an install.
  let geoDb = config.geoipDatabase
    ? open(config.geoipDatabase, (db) => (geoDb = db), true)
    : open(bundledDatabasePath(), (db) => (geoDb = db), false);
  let asnDb = config.geoipAsnDatabase ? open(config.geoipAsnDatabase, (db) => (asnDb = db), true) : undefined;

  const noDatabase: GeoAnswer = { found: undefined, prefixLength: 0 };
  const lookupIn = (db: GeoDatabase | undefined, ip: string): GeoAnswer => {
    if (!db) return noDatabase;
    try {
      return db.lookup(ip);
    } catch {
      counts.errors++;
      return { found: undefined, prefixLength: 128 };
    }
  };

  /** The combined answer of both databases, and the prefix it holds for: the longer of theirs. */
  const lookup = (ip: string): { readonly resolved: Resolved; readonly prefixLength: number } => {
    const fromGeo = lookupIn(geoDb, ip);
    const fromAsn = lookupIn(asnDb, ip);
    const geo = fromGeo.found?.geo ?? fromAsn.found?.geo;
    const as = fromAsn.found?.as ?? fromGeo.found?.as;
    const resolved: Resolved = geo || as ? { kind: 'found', lookup: { ...(geo && { geo }), ...(as && { as }) } } : NONE;
    return { resolved, prefixLength: Math.max(fromGeo.prefixLength, fromAsn.prefixLength) };
  };

  // The common case, kept apart: a special one is known from the number alone, without a cache probe.
  const resolveIpv4 = (ip: string, value: number): Resolved => {
    const special = specialIpv4Kind(value);
    if (special) return specialResult(special);
    const network = value >>> (32 - SHARED_PREFIX_LENGTH);
    const key = value | 0;
    const cached = ipv4NetworkCache.get(network) ?? ipv4Cache.get(key);
    if (cached) {
      counts.cacheHits++;
      return cached;
    }
    const { resolved, prefixLength } = lookup(ip);
    if (prefixLength <= SHARED_PREFIX_LENGTH) ipv4NetworkCache.set(network, resolved);
    else ipv4Cache.set(key, resolved);
    return resolved;
  };

  const resolve = (ip: string): Resolved => {
    const ipv4 = ip.length <= 15 ? readIpv4(ip) : undefined;
    if (ipv4 !== undefined) return resolveIpv4(ip, ipv4);
    const cached = cache.get(ip);
    if (cached) {
      counts.cacheHits++;
      return cached;
    }
    const address = parseIp(ip);
    const special = address && specialAddressKind(address);
    const resolved = !address ? INVALID : special ? specialResult(special) : lookup(ip).resolved;
    cache.set(ip, resolved);
    return resolved;
  };

  const processField = (event: EcsEvent, field: GeoipField): void => {
    const holder = objectAt(event, field);
    const ip = holder?.ip;
    if (typeof ip !== 'string') return;
    const resolved = resolve(ip);
    if (resolved.kind === 'special') {
      counts.special++;
      addTag(event, resolved.tags[field]);
    } else if (resolved.kind === 'found') {
      counts.found++;
      // What the sender already put there is better informed than a database.
      if (resolved.lookup.geo && holder!.geo === undefined) holder!.geo = copyGeo(resolved.lookup.geo);
      if (resolved.lookup.as && holder!.as === undefined) holder!.as = copyAs(resolved.lookup.as);
    } else if (resolved.kind === 'none') {
      counts.notFound++;
    } else {
      counts.invalid++;
    }
  };

  return {
    // Written out rather than looped over GEOIP_FIELDS: each call site then reads one constant key.
    process(event) {
      processField(event, 'source');
      processField(event, 'destination');
      processField(event, 'client');
      processField(event, 'server');
    },
    counts: () => ({ ...counts }),
    databases: () => [geoDb.path, ...(asnDb ? [asnDb.path] : [])],
    reloads: () => sumReloads(files),
    close() {
      for (const file of files) file.close();
    },
  };
}

// Cached results are shared between events; each event gets its own copy to change.
function copyGeo(geo: EcsGeo): EcsGeo {
  return geo.location ? { ...geo, location: { ...geo.location } } : { ...geo };
}

function copyAs(as: EcsAs): EcsAs {
  return as.organization ? { number: as.number, organization: { ...as.organization } } : { number: as.number };
}
