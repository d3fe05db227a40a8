import { describe, expect, it } from 'vitest';
import { ecsConfidence, normaliseUrl, readIndicator } from './indicator';

describe('readIndicator', () => {
  it('checks a declared type against the value', () => {
    expect(readIndicator('evil.example', 'ip')).toBe('invalid_ip');
    expect(readIndicator('203.0.113.1', 'domain')).toBe('invalid_domain');
    expect(readIndicator('d41d8cd98f00b204e9800998ecf8427e', 'sha1')).toBe('invalid_hash');
    expect(readIndicator('d41d8cd98f00b204e9800998ecf8427e', 'hash')).toMatchObject({ type: 'file', hash: 'md5' });
  });

  it('reads a URL without a scheme as http when the type says URL, and a wildcard domain as the domain', () => {
    expect(readIndicator('evil.example/payload.exe', 'url')).toEqual({ type: 'url', value: 'http://evil.example/payload.exe' });
    expect(readIndicator('*.Evil.Example')).toEqual({ type: 'domain-name', value: 'evil.example' });
    expect(readIndicator('xn--80ak6aa92e.com')).toEqual({ type: 'domain-name', value: 'xn--80ak6aa92e.com' });
  });

  it('rejects what is no indicator', () => {
    expect(readIndicator('   ')).toBe('empty');
    expect(readIndicator('localhost')).toBe('unrecognised');
    expect(readIndicator('1.2.3.4.5')).toBe('unrecognised');
    expect(readIndicator('http://')).toBe('invalid_url');
    expect(readIndicator('a\u0000b.example')).toBe('not_text');
  });
});

describe('normaliseUrl', () => {
  it('lower-cases scheme and host and drops a default port, keeping the path as written', () => {
    expect(normaliseUrl('HTTPS://Example.COM:443/Path?Q=1')).toBe('https://example.com/Path?Q=1');
    expect(normaliseUrl('http://example.com')).toBe('http://example.com/');
    expect(normaliseUrl('example.com/x')).toBeUndefined();
  });
});

describe('ecsConfidence', () => {
  it('maps STIX 0-100 scores and words to the ECS values', () => {
    expect([0, 1, 29, 30, 69, 70, 100].map(ecsConfidence)).toEqual(['None', 'Low', 'Low', 'Medium', 'Medium', 'High', 'High']);
    expect(['HIGH', 'med', ' 55 ', 'Not Specified', 'sure', undefined].map(ecsConfidence)).toEqual(['High', 'Medium', 'Medium', 'Not Specified', undefined, undefined]);
  });
});
