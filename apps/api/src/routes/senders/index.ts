import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { SenderIdSchema, SenderKindSchema, SenderMetadataSchema, type SenderKind, type SenderMetadata, type SenderStore } from '@siem/fleet';
import { callerTenant } from '../../caller-tenant';
import { ApiError, ApiErrorCodes } from '../../errors';
import { ErrorResponse } from '../search/schema';

export interface SenderRoutesOptions {
  readonly senders: SenderStore;
  readonly now?: () => number;
}

const SenderParams = Type.Object({ kind: SenderKindSchema, id: SenderIdSchema });
const Sender = Type.Object(
  { kind: Type.String(), id: Type.String(), tenant: Type.String(), site: Type.Optional(Type.String()), owner: Type.Optional(Type.String()), criticality: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(Type.String())), updatedAt: Type.String() },
  { description: 'A known sender; the processor joins it onto its events (observer.geo.name = site; labels.sender, site, owner, criticality, sender_tags).' },
);
const UnknownSender = Type.Object(
  { kind: Type.String(), id: Type.String(), tenant: Type.String(), firstSeen: Type.String(), lastSeen: Type.String(), events: Type.Integer() },
  { description: 'A sender seen in events but not registered: register it with PUT /api/v1/senders/{kind}/{id}.' },
);

/**
 * The sender registry of the caller's tenant: agents, syslog source addresses and MQTT
 * clients with site, owner, criticality and tags (agents:write to change, agents:read to
 * read), and the senders seen in events that nobody registered yet.
 */
export const senderRoutes: FastifyPluginAsync<SenderRoutesOptions> = async (app, { senders, now = Date.now }) => {
  const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
  const notFound = (kind: string, id: string) => new ApiError(ApiErrorCodes.notFound, `No sender ${kind} ${id} is registered; register it with PUT /api/v1/senders/${kind}/${id}.`, 404);
  type Params = { kind: SenderKind; id: string };

  app.get('/senders', { config: { permission: 'agents:read' }, schema: { summary: 'Registered senders', response: { 200: Type.Object({ senders: Type.Array(Sender) }), ...errors } } }, async (request) => ({
    senders: await senders.list(callerTenant(request)),
  }));

  app.get(
    '/senders/unknown',
    { config: { permission: 'agents:read' }, schema: { summary: 'Senders seen in events but not registered, most events first', response: { 200: Type.Object({ senders: Type.Array(UnknownSender) }), ...errors } } },
    async (request) => ({ senders: await senders.listUnknown(callerTenant(request)) }),
  );

  app.get<{ Params: Params }>(
    '/senders/:kind/:id',
    { config: { permission: 'agents:read' }, schema: { summary: 'One registered sender', params: SenderParams, response: { 200: Sender, ...errors } } },
    async (request) => (await senders.get(callerTenant(request), request.params.kind, request.params.id)) ?? Promise.reject(notFound(request.params.kind, request.params.id)),
  );

  app.put<{ Params: Params; Body: SenderMetadata }>(
    '/senders/:kind/:id',
    { config: { permission: 'agents:write' }, schema: { summary: 'Register a sender or replace its metadata; processors apply it within SIEM_SENDERS_REFRESH_S', params: SenderParams, body: SenderMetadataSchema, response: { 200: Sender, ...errors } } },
    async (request) => {
      const sender = { ...request.body, kind: request.params.kind, id: request.params.id, tenant: callerTenant(request), updatedAt: new Date(now()).toISOString() };
      await senders.put(sender);
      return sender;
    },
  );

  app.delete<{ Params: Params }>(
    '/senders/:kind/:id',
    { config: { permission: 'agents:write' }, schema: { summary: 'Forget a sender', params: SenderParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      if (!(await senders.delete(callerTenant(request), request.params.kind, request.params.id))) throw notFound(request.params.kind, request.params.id);
      return reply.code(204).send();
    },
  );
};
