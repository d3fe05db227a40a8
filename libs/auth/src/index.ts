import './fastify-types';

export { DEFAULT_TENANT, PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleAllows, type Permission, type Principal, type Role } from './permissions';
