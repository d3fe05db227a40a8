/**
 * GeoIP of source, destination, client and server addresses. Addresses that
 * name no place (private, shared, loopback, link-local, multicast,
 * unspecified, broadcast) are not looked up; the event gets the ECS tag
 * `<kind>_<field>_ip` instead, e.g. `private_source_ip`. Results are cached
 * per address string, so a busy address costs one map probe.
 */
import type { EcsEvent } from '@siem/schema';
import type { EnrichConfig } from '../config';
import { addTag, objectAt } from '../event-fields';
import { loadWatchedFile, sumReloads, type ReloadCounts, type WatchOptions, type WatchedFile } from '../files/watched-file';
import { parseIp, specialAddressKind } from '../ip/ip-address';
import { LruCache } from '../lru-cache';
import { bundledDatabasePath, openGeoDatabase, type EcsAs, type EcsGeo, type GeoDatabase, type GeoLookup } from './geo-database';

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

type Resolved =
  | { readonly kind: 'special'; readonly tagKind: string }
  | { readonly kind: 'found'; readonly lookup: GeoLookup }
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid' };

const NONE: Resolved = { kind: 'none' };
const INVALID: Resolved = { kind: 'invalid' };

export function createGeoipStage(config: Readonly<EnrichConfig>, watch: WatchOptions | undefined): GeoipStage {
  const cache = new LruCache<string, Resolved>(config.geoipCacheSize);
  const counts: GeoipCounts = { found: 0, notFound: 0, special: 0, invalid: 0, errors: 0, cacheHits: 0 };
  const files: WatchedFile<GeoDatabase>[] = [];

  const open = (path: string, onReload: (db: GeoDatabase) => void, watched: boolean): GeoDatabase => {
    const file = loadWatchedFile({ path, what: 'GeoIP database', load: openGeoDatabase, onReload: (db) => (onReload(db), cache.clear()) }, watched ? watch : undefined);
    files.push(file);
    return file.initial;
  };

  // The bundled database lives in node_modules and changes only with an install.
  let geoDb = config.geoipDatabase
    ? open(config.geoipDatabase, (db) => (geoDb = db), true)
    : open(bundledDatabasePath(), (db) => (geoDb = db), false);
  let asnDb = config.geoipAsnDatabase ? open(config.geoipAsnDatabase, (db) => (asnDb = db), true) : undefined;

  const lookupIn = (db: GeoDatabase | undefined, ip: string): GeoLookup | undefined => {
    if (!db) return undefined;
    try {
      return db.lookup(ip);
    } catch {
      counts.errors++;
      return undefined;
    }
  };

  const resolve = (ip: string): Resolved => {
    const cached = cache.get(ip);
    if (cached) {
      counts.cacheHits++;
      return cached;
    }
    let resolved: Resolved;
    const address = parseIp(ip);
    const special = address && specialAddressKind(address);
    if (!address) {
      resolved = INVALID;
    } else if (special) {
      resolved = { kind: 'special', tagKind: special };
    } else {
      const fromGeo = lookupIn(geoDb, ip);
      const fromAsn = lookupIn(asnDb, ip);
      const geo = fromGeo?.geo ?? fromAsn?.geo;
      const as = fromAsn?.as ?? fromGeo?.as;
      resolved = geo || as ? { kind: 'found', lookup: { ...(geo && { geo }), ...(as && { as }) } } : NONE;
    }
    cache.set(ip, resolved);
    return resolved;
  };

  return {
    process(event) {
      for (const field of GEOIP_FIELDS) {
        const holder = objectAt(event, field);
        const ip = holder?.ip;
        if (typeof ip !== 'string') continue;
        const resolved = resolve(ip);
        if (resolved.kind === 'special') {
          counts.special++;
          addTag(event, `${resolved.tagKind}_${field}_ip`);
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
      }
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
