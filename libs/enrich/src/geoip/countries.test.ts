import { describe, expect, it } from 'vitest';
import { continentName, continentOfCountry, countryName } from './countries';

describe('country names and continents', () => {
  it('names a country by its ISO code, the same on every call', () => {
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('US')).toBe('United States');
  });

  it('gives no name for what is not a two-letter code, however often asked', () => {
    expect(countryName('de')).toBeUndefined();
    expect(countryName('de')).toBeUndefined();
    expect(countryName('DEU')).toBeUndefined();
  });

  it('places a country on its continent', () => {
    expect(continentOfCountry('JP')).toBe('AS');
    expect(continentName('AS')).toBe('Asia');
    expect(continentOfCountry('ZZ')).toBeUndefined();
  });
});
