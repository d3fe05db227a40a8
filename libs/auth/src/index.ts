import './fastify-types';

export { DEFAULT_TENANT, PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleAllows, type Permission, type Principal, type Role } from './permissions';
export { AuthError, AuthErrorCodes, type AuthErrorCode } from './errors';
export { ApiKeys, type ApiKeysOptions, type ApiKeyView, type NewKey } from './keys/api-keys';
export type { ApiKeyRecord, KeyStore } from './keys/key-store';
export { EmbeddedKeyStore } from './keys/embedded-key-store';
export { OpenSearchKeyStore, keyIndexName } from './keys/opensearch-key-store';
export { createKeyStore } from './keys/create-key-store';
export { MIN_OPERATOR_KEY_LENGTH } from './keys/key-text';
export { JwtVerifier, type JwtOptions } from './jwt/jwt-verifier';
export { registerAuth, type AuthOptions } from './hook/register-auth';
export { adminKeyFile, ensureAdminKey } from './keys/first-admin-key';
export { FailureWindows, failureSource } from './failure-limit/failure-windows';
