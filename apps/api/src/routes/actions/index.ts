import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import '@siem/auth';
import { ActionError, ActionErrorCodes, type ActionDispatcher } from '@siem/actions';
import type { ActionDeadLetter, ActionDeadLetterStore } from '@siem/store';
import { callerTenant } from '../../caller-tenant';
import { answerStoreError } from '../rules';

export interface ActionRoutesOptions {
  readonly deadLetters: ActionDeadLetterStore;
  /** Sends a dead letter again (the API's own dispatcher: webhooks, Slack and syslog; Kafka from a processor). */
  readonly dispatcher: Pick<ActionDispatcher, 'resend'>;
}

const ListQuerystring = Type.Object(
  {
    rule: Type.Optional(Type.String({ maxLength: 128, description: 'Dead letters of this rule id.' })),
    size: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Dead letters to return, newest first.' }),
  },
  { additionalProperties: false },
);
type ListQuerystring = Static<typeof ListQuerystring>;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
type IdParams = Static<typeof IdParams>;

const Letter = Type.Object({
  id: Type.String(),
  failed_at: Type.String(),
  rule_id: Type.String(),
  alert_id: Type.String(),
  tenant: Type.String(),
  action: Type.Record(Type.String(), Type.Unknown(), { description: 'The action as declared, without its secret and headers.' }),
  attempts: Type.Integer(),
  error: Type.String(),
});
const LetterList = Type.Object({ total: Type.Integer(), letters: Type.Array(Letter) });
const ErrorReply = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

/** A dead letter as listed: secrets and headers (which may carry tokens) stay in the store. */
function listed(letter: ActionDeadLetter) {
  const action = Object.fromEntries(Object.entries(letter.action).filter(([key]) => key !== 'secret' && key !== 'headers'));
  return { id: letter.id, failed_at: letter.failed_at, rule_id: letter.rule_id, alert_id: letter.alert_id, tenant: letter.tenant, action, attempts: letter.attempts, error: letter.error };
}

/** /api/v1/actions: notifications that failed for good, to inspect and send again. */
export const actionRoutes: FastifyPluginAsync<ActionRoutesOptions> = async (app, { deadLetters, dispatcher }) => {
  app.setErrorHandler(answerStoreError);
  app.get<{ Querystring: ListQuerystring }>(
    '/actions/dead-letters',
    { config: { permission: 'alerts:read' }, schema: { summary: 'Notifications given up after their retries, newest first', querystring: ListQuerystring, response: { 200: LetterList } } },
    async (request) => {
      const page = await deadLetters.list({ size: request.query.size, tenant: callerTenant(request), ...(request.query.rule ? { ruleId: request.query.rule } : {}) });
      return { total: page.total, letters: page.letters.map(listed) };
    },
  );

  app.post<{ Params: IdParams }>(
    '/actions/dead-letters/:id/resend',
    {
      config: { permission: 'alerts:write' },
      schema: { summary: 'Send a dead letter again, once; it is removed when delivered', params: IdParams, response: { 200: Type.Object({ resent: Type.String() }), 404: ErrorReply, 409: ErrorReply, 502: ErrorReply } },
    },
    async (request, reply) => {
      // Another tenant's dead letter is answered as absent, like its alerts.
      const letter = await deadLetters.get(request.params.id);
      if (letter !== undefined && letter.tenant !== callerTenant(request)) {
        return reply.code(404).send({ error: { code: ActionErrorCodes.deadLetterNotFound, message: `No dead letter has the id ${request.params.id}; list them with GET /api/v1/actions/dead-letters.` } });
      }
      try {
        await dispatcher.resend(request.params.id);
      } catch (failure) {
        if (!(failure instanceof ActionError)) throw failure;
        const status = failure.code === ActionErrorCodes.deadLetterNotFound ? 404 : failure.code === ActionErrorCodes.noProducer || failure.code === ActionErrorCodes.noSecret ? 409 : 502;
        return reply.code(status).send({ error: { code: failure.code, message: failure.message } });
      }
      return { resent: request.params.id };
    },
  );
};
