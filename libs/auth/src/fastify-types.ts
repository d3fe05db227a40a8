import type { Permission, Principal } from './permissions';

// Every route states the permission it needs in its config; the auth hook reads it and
// sets the caller on the request.
declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export {};
