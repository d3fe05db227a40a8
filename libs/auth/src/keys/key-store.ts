import type { Role } from '../permissions';

/** One API key as stored: never its text, only a salted scrypt hash of it. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly tenant: string;
  readonly hash: string;
  readonly salt: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly expiresAt?: string;
  readonly revoked: boolean;
}

/** Where API keys live: a SQLite file under the data directory, or an OpenSearch index. */
export interface KeyStore {
  ensureReady(): Promise<void>;
  /** Adds a key; false when one with that id exists already. */
  insert(record: ApiKeyRecord): Promise<boolean>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, oldest first; `tenant` limits the list to one tenant. */
  list(tenant?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when there is no such key. */
  revoke(id: string): Promise<boolean>;
  touch(id: string, lastUsedAt: string): Promise<void>;
  close(): Promise<void>;
}
