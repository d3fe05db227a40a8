import { createHash } from 'node:crypto';
import type { Principal, Role } from '../permissions';
import { DEFAULT_TENANT } from '../permissions';
import { hashKey, keyMatches } from './key-hash';
import type { ApiKeyRecord, KeyStore } from './key-store';
import { keyDigest, keyIdOf, newKeyText } from './key-text';

/** A key as the API lists it: never its text or hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash' | 'salt'>;

export interface NewKey {
  readonly name: string;
  readonly role: Role;
  readonly tenant: string;
  readonly expiresAt?: string;
}

export interface ApiKeysOptions {
  /** How long a verified key is trusted before its record is read again (revoked? expired?). */
  readonly recheckMs?: number;
  /** Last use is written at most this often per key, not on every request. */
  readonly touchEveryMs?: number;
  /** Verified keys kept in memory; past it the oldest are forgotten (and verified again when they come back). */
  readonly cacheSize?: number;
  readonly now?: () => number;
  /** Where a failed background write (last use) is reported. */
  readonly onBackgroundError?: (error: unknown) => void;
}

interface Verified {
  readonly principal: Principal;
  readonly expiresAt: number | undefined;
  checkedAt: number;
  touchedAt: number;
}

/**
 * Creates, lists, revokes and verifies API keys. scrypt runs once per key per process: a
 * verified key is cached under its SHA-256 and its record re-read at most every `recheckMs`
 * (1 s), so a key revoked through any API process is refused by every other within a second.
 */
export class ApiKeys {
  private readonly verified = new Map<string, Verified>();
  private readonly pending = new Map<string, Promise<Principal | undefined>>();
  private readonly recheckMs: number;
  private readonly touchEveryMs: number;
  private readonly cacheSize: number;
  private readonly now: () => number;
  private readonly onBackgroundError: (error: unknown) => void;

  constructor(
    readonly store: KeyStore,
    options: ApiKeysOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 1000;
    this.touchEveryMs = options.touchEveryMs ?? 60_000;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.now = options.now ?? Date.now;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
  }

  /** Creates a key and returns its text: the only time it is ever seen. */
  async create(input: NewKey): Promise<{ key: string; record: ApiKeyView }> {
    const { id, key } = newKeyText();
    const record = await this.recordOf(id, key, input);
    await this.store.insert(record);
    return { key, record: viewOf(record) };
  }

  /** Stores `key` (an operator's own text) unless a key with its id exists; true when it was added. */
  async adopt(key: string, input: NewKey): Promise<boolean> {
    const id = keyIdOf(key);
    if (await this.store.get(id)) return false;
    return this.store.insert(await this.recordOf(id, key, input));
  }

  async list(tenant?: string): Promise<ApiKeyView[]> {
    return (await this.store.list(tenant)).map(viewOf);
  }

  async get(id: string): Promise<ApiKeyView | undefined> {
    const record = await this.store.get(id);
    return record && viewOf(record);
  }

  async revoke(id: string): Promise<boolean> {
    const revoked = await this.store.revoke(id);
    for (const [digest, entry] of this.verified) if (entry.principal.id === id) this.verified.delete(digest);
    return revoked;
  }

  /**
   * Creates an admin key of tenant `default` when no usable one exists, and returns its text;
   * undefined when one exists or another process created it meanwhile. Its id is derived from
   * the admin keys it replaces (none on a first start), so processes that start at once on one
   * key store all try the same id and the store's insert-if-absent lets exactly one of them in.
   */
  async createFirstAdmin(): Promise<string | undefined> {
    const now = this.now();
    const admins = (await this.store.list(DEFAULT_TENANT)).filter((record) => record.role === 'admin');
    if (admins.some((record) => usable(record, now))) return undefined;
    const replaced = admins.map((record) => record.id).sort();
    const { id, key } = newKeyText(createHash('sha256').update(`first-admin:${replaced.join(',')}`).digest('hex').slice(0, 16));
    const inserted = await this.store.insert(await this.recordOf(id, key, { name: 'first admin', role: 'admin', tenant: DEFAULT_TENANT }));
    return inserted ? key : undefined;
  }

  /** The caller a key stands for, or undefined when it is unknown, wrong, revoked or expired. */
  async verify(key: string): Promise<Principal | undefined> {
    const digest = keyDigest(key);
    const now = this.now();
    const cached = this.verified.get(digest);
    if (cached && now - cached.checkedAt < this.recheckMs && (cached.expiresAt === undefined || now < cached.expiresAt)) {
      this.touchLater(cached, now);
      return cached.principal;
    }
    // Concurrent requests with one key share one store read and at most one scrypt.
    let verifying = this.pending.get(digest);
    if (!verifying) {
      verifying = (cached ? this.recheck(digest, cached) : this.verifyFresh(digest, key)).finally(() => this.pending.delete(digest));
      this.pending.set(digest, verifying);
    }
    return verifying;
  }

  private async recheck(digest: string, cached: Verified): Promise<Principal | undefined> {
    const record = await this.store.get(cached.principal.id);
    const now = this.now();
    if (!record || !usable(record, now)) {
      this.verified.delete(digest);
      return undefined;
    }
    cached.checkedAt = now;
    this.touchLater(cached, now);
    return cached.principal;
  }

  private async verifyFresh(digest: string, key: string): Promise<Principal | undefined> {
    const record = await this.store.get(keyIdOf(key));
    if (!record || !usable(record, this.now())) return undefined;
    if (!(await keyMatches(key, record))) return undefined;
    const now = this.now();
    const entry: Verified = {
      principal: { kind: 'key', id: record.id, name: record.name, role: record.role, tenant: record.tenant },
      expiresAt: record.expiresAt === undefined ? undefined : Date.parse(record.expiresAt),
      checkedAt: now,
      touchedAt: record.lastUsedAt === undefined ? -Infinity : Date.parse(record.lastUsedAt),
    };
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(digest, entry);
    this.touchLater(entry, now);
    return entry.principal;
  }

  private touchLater(entry: Verified, now: number): void {
    if (now - entry.touchedAt < this.touchEveryMs) return;
    entry.touchedAt = now;
    this.store.touch(entry.principal.id, new Date(now).toISOString()).catch(this.onBackgroundError);
  }

  private async recordOf(id: string, key: string, input: NewKey): Promise<ApiKeyRecord> {
    const { hash, salt } = await hashKey(key);
    return {
      id,
      name: input.name,
      role: input.role,
      tenant: input.tenant,
      hash,
      salt,
      createdAt: new Date(this.now()).toISOString(),
      ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
      revoked: false,
    };
  }
}

function usable(record: ApiKeyRecord, now: number): boolean {
  return !record.revoked && (record.expiresAt === undefined || Date.parse(record.expiresAt) > now);
}

function viewOf(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    tenant: record.tenant,
    createdAt: record.createdAt,
    ...(record.lastUsedAt === undefined ? {} : { lastUsedAt: record.lastUsedAt }),
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
    revoked: record.revoked,
  };
}
