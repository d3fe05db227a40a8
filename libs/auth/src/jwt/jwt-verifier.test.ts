import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError, AuthErrorCodes } from '../errors';
import { JwtVerifier } from './jwt-verifier';

const scratch = mkdtempSync(path.join(tmpdir(), 'siem-jwks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const verifier = (jwks: string) => new JwtVerifier({ jwks, roleClaim: 'role', tenantClaim: 'org' });

/** The AuthError the call throws (or rejects with), for its code and message. */
async function refusal(call: () => unknown): Promise<AuthError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected an AuthError');
}

describe('JwtVerifier – a wrong SIEM_API_JWKS', () => {
  it('refuses a file it cannot read, or one that is no key set, naming the setting and the file', async () => {
    const missing = path.join(scratch, 'missing.json');
    const error = await refusal(() => verifier(missing));
    expect(error.code).toBe(AuthErrorCodes.badConfig);
    expect(error.message).toContain(`SIEM_API_JWKS (${missing})`);
    expect(error.message).toContain('ENOENT');
    const noKeys = path.join(scratch, 'no-keys.json');
    writeFileSync(noKeys, '{"kty":"RSA"}');
    expect((await refusal(() => verifier(noKeys))).message).toContain('it has no "keys" array');
    const notJson = path.join(scratch, 'not-json.json');
    writeFileSync(notJson, '-----BEGIN PUBLIC KEY-----');
    expect((await refusal(() => verifier(notJson))).code).toBe(AuthErrorCodes.badConfig);
  });

  it('refuses a URL that does not parse, and keys over plain http from another host', async () => {
    const unparsable = await refusal(() => verifier('https://'));
    expect(unparsable.code).toBe(AuthErrorCodes.badConfig);
    expect(unparsable.message).toContain('is not a valid URL');
    for (const url of ['http://idp.example.com/.well-known/jwks.json', 'ftp://idp.example.com/jwks.json']) {
      const error = await refusal(() => verifier(url));
      expect(error.code, url).toBe(AuthErrorCodes.badConfig);
      expect(error.message, url).toContain('must be an https URL');
    }
    expect(() => verifier('https://idp.example.com/.well-known/jwks.json')).not.toThrow();
    expect(() => verifier('http://127.0.0.1:8443/jwks.json')).not.toThrow();
  });

  it('fetchKeys: a key set that cannot be fetched is an AuthError that says what to check; a file has nothing to fetch', async () => {
    // Port 1 on this host: nothing listens, the connection is refused at once.
    const error = await refusal(() => verifier('http://127.0.0.1:1/jwks.json').fetchKeys());
    expect(error.code).toBe(AuthErrorCodes.badConfig);
    expect(error.message).toContain('could not be fetched');
    expect(error.message).toContain('Check the URL');
    const file = path.join(scratch, 'empty-set.json');
    writeFileSync(file, '{"keys":[]}');
    await expect(verifier(file).fetchKeys()).resolves.toBeUndefined();
  });
});
