import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from './redact';

describe('redact', () => {
  it('replaces fields named as secrets and values that look like API keys or JWTs, at any depth', () => {
    const key = `siem_0123456789abcdef_${'A'.repeat(43)}`;
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    expect(
      redact({
        q: 'user.name:alice',
        password: 'hunter2',
        actions: [{ type: 'webhook', url: 'https://hooks.example/x', secret: 's3cr3t', headers: { Authorization: 'Basic abc' } }],
        note: `leaked ${key} here`,
        token: 'x',
        apiKey: 'y',
        bearer: jwt,
      }),
    ).toEqual({
      q: 'user.name:alice',
      password: REDACTED,
      actions: [{ type: 'webhook', url: 'https://hooks.example/x', secret: REDACTED, headers: { Authorization: REDACTED } }],
      note: REDACTED,
      token: REDACTED,
      apiKey: REDACTED,
      bearer: REDACTED,
    });
  });

  it('keeps the record small: long strings, long lists, deep nesting and large bodies are cut', () => {
    expect(redact({ q: 'a'.repeat(2000) })).toEqual({ q: `${'a'.repeat(1024)}…[2000 chars]` });
    expect((redact({ ids: Array.from({ length: 150 }, (_, i) => i) }) as { ids: unknown[] }).ids).toHaveLength(101);
    expect(redact({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } })).toEqual({ a: { b: { c: { d: { e: { f: '[nested too deep]' } } } } } });
    expect(redact({ rules: Array.from({ length: 100 }, () => 'x'.repeat(500)) })).toEqual({ truncated: true, jsonChars: expect.any(Number) });
    expect(redact(Buffer.from('yaml: text'))).toEqual({ bytes: 10 });
    expect(redact(undefined)).toBeUndefined();
  });
});
