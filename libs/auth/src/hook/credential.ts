/** What a request presents: an API key or a bearer token, from `Authorization: ApiKey|Bearer` or `X-API-Key`. */
export type Credential = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'jwt'; readonly token: string } | { readonly kind: 'malformed' };

export function credentialOf(headers: Record<string, string | string[] | undefined>): Credential | undefined {
  const apiKeyHeader = headers['x-api-key'];
  if (typeof apiKeyHeader === 'string' && apiKeyHeader !== '') return { kind: 'key', key: apiKeyHeader.trim() };
  const authorization = headers.authorization;
  if (typeof authorization !== 'string' || authorization === '') return undefined;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization);
  if (!match) return { kind: 'malformed' };
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'apikey') return { kind: 'key', key: value };
  // Many HTTP clients only speak Bearer: one of our keys sent that way is still a key.
  if (scheme === 'bearer') return value.startsWith('siem_') ? { kind: 'key', key: value } : { kind: 'jwt', token: value };
  return { kind: 'malformed' };
}
