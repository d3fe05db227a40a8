import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt with Node's defaults (N = 2^14, r = 8, p = 1): about 50 ms of one thread-pool thread, once per key per process. */
const HASH_BYTES = 32;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, HASH_BYTES, (error, hash) => (error ? reject(error) : resolve(hash))));
}

export async function hashKey(key: string): Promise<{ hash: string; salt: string }> {
  const salt = randomBytes(16);
  return { hash: (await scryptAsync(key, salt)).toString('base64'), salt: salt.toString('base64') };
}

/** Compares hashes in constant time, so the time taken says nothing about how close a guess was. */
export async function keyMatches(key: string, stored: { hash: string; salt: string }): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptAsync(key, Buffer.from(stored.salt, 'base64'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
