import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ApiKeys, DEFAULT_TENANT, EmbeddedKeyStore, type Role } from '@siem/auth';

export interface TestKeys {
  /** What buildApi checks credentials against. */
  readonly keys: ApiKeys;
  /** A real admin key of tenant `default`, as request headers. */
  readonly admin: Readonly<Record<string, string>>;
  /** Headers of a new key with `role` in `tenant`. */
  headersFor(role: Role, tenant?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** A real key store in a temporary directory with one admin key: what API tests authenticate with (auth is always on). */
export async function testKeys(): Promise<TestKeys> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'siem-test-keys-'));
  const store = new EmbeddedKeyStore({ dataDir });
  const keys = new ApiKeys(store);
  const headersFor = async (role: Role, tenant = DEFAULT_TENANT) => ({ authorization: `ApiKey ${(await keys.create({ name: `test ${role}`, role, tenant })).key}` });
  const admin = await headersFor('admin');
  return {
    keys,
    admin,
    headersFor,
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `app.inject` that sends `headers` with every request, for tests that call many routes as one caller. */
export function injectAs(app: FastifyInstance, headers: Readonly<Record<string, string>>) {
  return {
    inject(options: string | InjectOptions) {
      const request: InjectOptions = typeof options === 'string' ? { url: options } : options;
      return app.inject({ ...request, headers: { ...headers, ...(request.headers as Record<string, string> | undefined) } });
    },
  };
}
