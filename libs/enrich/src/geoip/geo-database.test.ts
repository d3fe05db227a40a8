import { describe, expect, it } from 'vitest';
import { openGeoDatabase } from './geo-database';
import { writeMmdb } from './test-mmdb';

const FR = 0x51000000; // 81.0.0.0/8

describe('openGeoDatabase', () => {
  it('maps a GeoLite2-City record to ECS geo', () => {
    const city = {
      city: { geoname_id: 2988507, names: { en: 'Paris', fr: 'Paris' } },
      continent: { code: 'EU', names: { en: 'Europe' } },
      country: { iso_code: 'FR', names: { en: 'France' } },
      location: { latitude: 48.8534, longitude: 2.3488, time_zone: 'Europe/Paris' },
      postal: { code: '75001' },
      subdivisions: [{ iso_code: 'IDF', names: { en: 'Île-de-France' } }],
    };
    const db = openGeoDatabase(writeMmdb(FR, 8, city, 'GeoLite2-City'), 'city.mmdb');
    expect(db.type).toBe('GeoLite2-City');
    expect(db.lookup('81.2.69.142').found).toEqual({
      geo: {
        country_iso_code: 'FR',
        country_name: 'France',
        continent_code: 'EU',
        continent_name: 'Europe',
        region_name: 'Île-de-France',
        region_iso_code: 'FR-IDF',
        city_name: 'Paris',
        postal_code: '75001',
        timezone: 'Europe/Paris',
        location: { lat: 48.8534, lon: 2.3488 },
      },
    });
    expect(db.lookup('81.2.69.142').prefixLength).toBe(8);
    // 81 and 82 share their first six bits: the tree says "absent" for that whole /7.
    expect(db.lookup('82.0.0.1')).toEqual({ found: undefined, prefixLength: 7 });
  });

  it('maps a GeoLite2-ASN record to ECS as', () => {
    const db = openGeoDatabase(writeMmdb(FR, 8, { autonomous_system_number: 3215, autonomous_system_organization: 'Orange' }, 'GeoLite2-ASN'), 'asn.mmdb');
    expect(db.lookup('81.250.1.1').found).toEqual({ as: { number: 3215, organization: { name: 'Orange' } } });
  });

  it('maps the flat ip-location-db city layout', () => {
    const record = { city: 'Lyon', country_code: 'FR', latitude: 45.75, longitude: 4.85, state1: 'Auvergne-Rhone-Alpes', postcode: '69001', timezone: 'Europe/Paris' };
    const db = openGeoDatabase(writeMmdb(FR, 8, record, 'city'), 'flat.mmdb');
    expect(db.lookup('81.0.0.1').found?.geo).toMatchObject({ country_iso_code: 'FR', country_name: 'France', continent_code: 'EU', city_name: 'Lyon', region_name: 'Auvergne-Rhone-Alpes', location: { lat: 45.75, lon: 4.85 } });
  });

  it('ignores records with nothing ECS can use', () => {
    const db = openGeoDatabase(writeMmdb(FR, 8, { is_anonymous_vpn: 'yes' }, 'GeoIP2-Anonymous-IP'), 'anon.mmdb');
    expect(db.lookup('81.0.0.1').found).toBeUndefined();
  });
});

