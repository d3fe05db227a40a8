import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ActionError, ActionErrorCodes } from './errors';
import { KafkaActionSchema, SlackActionSchema, SyslogActionSchema, WebhookActionSchema, type Action } from './schema';

const BY_TYPE: Readonly<Record<string, TSchema>> = { webhook: WebhookActionSchema, slack: SlackActionSchema, kafka: KafkaActionSchema, syslog: SyslogActionSchema };
const MAX_ACTIONS = 20;

function invalid(message: string): ActionError {
  return new ActionError(ActionErrorCodes.invalid, `${message} See the actions section of the README.`, { retryable: false });
}

/**
 * The actions of a rule with their defaults, or an ActionError naming the first problem and its
 * JSON pointer. Each action is checked against the schema of its `type`, so the message names
 * the bad key rather than "no type matched".
 */
export function validateActions(actions: unknown): Action[] {
  if (actions === undefined) return [];
  if (!Array.isArray(actions)) throw invalid("A rule's actions are a list.");
  if (actions.length > MAX_ACTIONS) throw invalid(`A rule has at most ${MAX_ACTIONS} actions; this one has ${actions.length}.`);
  const seen = new Set<string>();
  return actions.map((candidate: unknown, index) => {
    const type = (candidate as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' ? BY_TYPE[type] : undefined;
    if (schema === undefined) throw invalid(`The action at /${index}/type is ${JSON.stringify(type)}; it is one of ${Object.keys(BY_TYPE).join(', ')}.`);
    const action = Value.Default(schema, structuredClone(candidate)) as Action;
    const [first] = Value.Errors(schema, action);
    if (first) throw invalid(`The action at /${index}${first.path} is invalid: ${first.message}.`);
    if (seen.has(action.id)) throw invalid(`Two actions of the rule have the id "${action.id}"; give each its own.`);
    seen.add(action.id);
    return action;
  });
}
