/**
 * A MaxMind-format database held in memory, and the mapping of its records to
 * ECS. Both layouts in common use are read: MaxMind/DB-IP (`country.iso_code`,
 * `city.names.en`, `location.latitude`, `autonomous_system_number`) and the
 * flat ip-location-db one (`country_code`, `city`, `latitude`) that the
 * bundled database uses.
 */
import { createRequire } from 'node:module';
import { Reader, type Response } from 'mmdb-lib';
import { EnrichError, EnrichErrorCodes } from '../errors';
import { continentName, continentOfCountry, countryName } from './countries';

export interface EcsGeo {
  country_iso_code?: string;
  country_name?: string;
  continent_code?: string;
  continent_name?: string;
  region_name?: string;
  region_iso_code?: string;
  city_name?: string;
  postal_code?: string;
  timezone?: string;
  location?: { lat: number; lon: number };
}

export interface EcsAs {
  number: number;
  organization?: { name: string };
}

export interface GeoLookup {
  readonly geo?: EcsGeo;
  readonly as?: EcsAs;
}

/** What a database holds for an address, and the length of the network prefix it holds it for. */
export interface GeoAnswer {
  readonly found: GeoLookup | undefined;
  /** Every address sharing this many leading bits gets the same answer (for IPv4, counted within its 32 bits). */
  readonly prefixLength: number;
}

export interface GeoDatabase {
  readonly path: string;
  readonly type: string;
  lookup(ip: string): GeoAnswer;
}

/**
 * CC0 / CC BY 4.0 country database published on npm with the .mmdb inside the
 * tarball, so a default install geolocates with no download at run time.
 */
export const BUNDLED_DATABASE_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';

export function bundledDatabasePath(): string {
  return createRequire(import.meta.url).resolve(`${BUNDLED_DATABASE_PACKAGE}/geo-whois-asn-country.mmdb`);
}

export function openGeoDatabase(content: Buffer, path: string): GeoDatabase {
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(content);
    // A file cut short keeps its metadata only by chance; one probe walks the tree.
    reader.get('8.8.8.8');
  } catch (cause) {
    throw new EnrichError(
      EnrichErrorCodes.databaseCorrupt,
      `The GeoIP database "${path}" is not a readable MaxMind-format (.mmdb) file (${(cause as Error).message}); replace it with a complete .mmdb file, e.g. a GeoLite2 or DB-IP lite download.`,
      { path, cause },
    );
  }
  return {
    path,
    type: reader.metadata.databaseType,
    lookup(ip) {
      const [record, prefixLength] = reader.getWithPrefixLength(ip) as [Record<string, unknown> | null, number];
      return { found: record === null ? undefined : toEcs(record), prefixLength };
    },
  };
}

function toEcs(record: Record<string, unknown>): GeoLookup | undefined {
  const geo = toGeo(record);
  const as = toAs(record);
  if (!geo && !as) return undefined;
  return { ...(geo && { geo }), ...(as && { as }) };
}

function toGeo(record: Record<string, unknown>): EcsGeo | undefined {
  const country = objectAt(record, 'country') ?? objectAt(record, 'registered_country');
  const countryCode = stringAt(country, 'iso_code') ?? stringAt(record, 'country_code');
  const continentCode = stringAt(objectAt(record, 'continent'), 'code') ?? (countryCode && continentOfCountry(countryCode));
  const subdivision = arrayAt(record, 'subdivisions')?.[0] as Record<string, unknown> | undefined;
  const location = objectAt(record, 'location');
  const lat = numberAt(location, 'latitude') ?? numberAt(record, 'latitude');
  const lon = numberAt(location, 'longitude') ?? numberAt(record, 'longitude');
  const geo: EcsGeo = {};
  if (countryCode) {
    geo.country_iso_code = countryCode;
    const name = englishName(country) ?? countryName(countryCode);
    if (name) geo.country_name = name;
  }
  if (continentCode) {
    geo.continent_code = continentCode;
    const name = englishName(objectAt(record, 'continent')) ?? continentName(continentCode);
    if (name) geo.continent_name = name;
  }
  const regionName = englishName(subdivision) ?? stringAt(record, 'state1');
  if (regionName) geo.region_name = regionName;
  const regionCode = stringAt(subdivision, 'iso_code');
  if (regionCode && countryCode) geo.region_iso_code = `${countryCode}-${regionCode}`;
  const cityName = englishName(objectAt(record, 'city')) ?? stringAt(record, 'city');
  if (cityName) geo.city_name = cityName;
  const postal = stringAt(objectAt(record, 'postal'), 'code') ?? stringAt(record, 'postcode');
  if (postal) geo.postal_code = postal;
  const timezone = stringAt(location, 'time_zone') ?? stringAt(record, 'timezone');
  if (timezone) geo.timezone = timezone;
  if (lat !== undefined && lon !== undefined) geo.location = { lat, lon };
  return Object.keys(geo).length > 0 ? geo : undefined;
}

function toAs(record: Record<string, unknown>): EcsAs | undefined {
  const number = numberAt(record, 'autonomous_system_number');
  if (number === undefined) return undefined;
  const organization = stringAt(record, 'autonomous_system_organization');
  return organization ? { number, organization: { name: organization } } : { number };
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const child = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : undefined;
}

function arrayAt(value: Record<string, unknown>, key: string): unknown[] | undefined {
  const child = value[key];
  return Array.isArray(child) ? child : undefined;
}

function stringAt(value: Record<string, unknown> | undefined, key: string): string | undefined {
  const child = value?.[key];
  return typeof child === 'string' && child.length > 0 ? child : undefined;
}

function numberAt(value: Record<string, unknown> | undefined, key: string): number | undefined {
  const child = value?.[key];
  return typeof child === 'number' && Number.isFinite(child) ? child : undefined;
}

function englishName(value: Record<string, unknown> | undefined): string | undefined {
  return stringAt(objectAt(value, 'names'), 'en');
}
