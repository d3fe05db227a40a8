/**
 * `related.ip`, `related.user`, `related.hosts` and `related.hash`, the ECS
 * fields analysts pivot on, filled after every parser from the fields it set,
 * so no parser has to remember them. Values already in `related` (a JSON line
 * that carries them, CloudTrail) are kept; each value appears once.
 */
import type { EcsEvent } from '@siem/schema';

type Fields = Record<string, unknown>;

const ENDPOINTS = ['source', 'destination', 'client', 'server'] as const;
const HASHES = ['md5', 'sha1', 'sha256', 'sha512'] as const;

function objectAt(parent: Fields, key: string): Fields | undefined {
  const value = parent[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined;
}

function add(list: string[] | undefined, value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.length === 0) return list;
  if (list === undefined) return [value];
  if (!list.includes(value)) list.push(value);
  return list;
}

function addAll(list: string[] | undefined, value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return add(list, value);
  let result = list;
  for (const item of value) result = add(result, item);
  return result;
}

function addHashes(list: string[] | undefined, owner: Fields | undefined): string[] | undefined {
  const hash = owner === undefined ? undefined : objectAt(owner, 'hash');
  if (hash === undefined) return list;
  let result = list;
  for (const kind of HASHES) result = add(result, hash[kind]);
  return result;
}

/** Adds the related fields the event's own fields call for; leaves an odd `related` (not an object) alone. */
export function fillRelated(event: EcsEvent): void {
  const fields = event as Fields;
  let ips: string[] | undefined;
  let users: string[] | undefined;
  let hosts: string[] | undefined;
  for (const name of ENDPOINTS) {
    const endpoint = objectAt(fields, name);
    if (endpoint === undefined) continue;
    ips = add(ips, endpoint.ip);
    const nat = objectAt(endpoint, 'nat');
    if (nat !== undefined) ips = add(ips, nat.ip);
    hosts = add(hosts, endpoint.domain);
    const user = objectAt(endpoint, 'user');
    if (user !== undefined) users = add(users, user.name);
  }
  const host = objectAt(fields, 'host');
  if (host !== undefined) {
    ips = addAll(ips, host.ip);
    hosts = add(hosts, host.hostname);
  }
  const user = objectAt(fields, 'user');
  if (user !== undefined) {
    users = add(users, user.name);
    const effective = objectAt(user, 'effective');
    if (effective !== undefined) users = add(users, effective.name);
    const target = objectAt(user, 'target');
    if (target !== undefined) users = add(users, target.name);
  }
  const hashes = addHashes(addHashes(undefined, objectAt(fields, 'file')), objectAt(fields, 'process'));
  if (ips === undefined && users === undefined && hosts === undefined && hashes === undefined) return;

  const existing = fields.related;
  if (existing === undefined) {
    const related: Fields = {};
    if (ips !== undefined) related.ip = ips;
    if (users !== undefined) related.user = users;
    if (hosts !== undefined) related.hosts = hosts;
    if (hashes !== undefined) related.hash = hashes;
    fields.related = related;
    return;
  }
  if (existing === null || typeof existing !== 'object' || Array.isArray(existing)) return;
  const related = existing as Fields;
  mergeRelated(related, 'ip', ips);
  mergeRelated(related, 'user', users);
  mergeRelated(related, 'hosts', hosts);
  mergeRelated(related, 'hash', hashes);
}

// A module function, not a closure per event: under tsx each closure created is also named through a helper call.
function mergeRelated(related: Fields, key: string, values: string[] | undefined): void {
  if (values === undefined) return;
  const current = related[key];
  if (current === undefined) {
    related[key] = values;
  } else if (Array.isArray(current)) {
    for (const value of values) if (!current.includes(value)) current.push(value);
  } else if (typeof current === 'string') {
    related[key] = addAll([current], values);
  }
}
