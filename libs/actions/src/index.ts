export { ActionSchema, ActionListSchema, ThrottleSchema, WebhookActionSchema, SlackActionSchema, KafkaActionSchema, SyslogActionSchema } from './schema';
export type { Action, WebhookAction, SlackAction, KafkaAction, SyslogAction, Throttle as ThrottleConfig } from './schema';
export { ActionError, ActionErrorCodes, type ActionErrorCode } from './errors';
export { validateActions } from './validate';
export { createActionDispatcher, type ActionDispatcher, type ActionDispatcherDeps, type DispatchedRule } from './dispatcher';
export { alertJson, slackJson, alertCef, syslogMessage, type NotifiedRule } from './payload';
export { signBody } from './signature';
export { LocalThrottle, sharedThrottle, type ThrottleCounter } from './throttle';
