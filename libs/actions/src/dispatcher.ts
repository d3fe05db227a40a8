/**
 * Sends alerts to their rule's actions without holding up the caller: `dispatch` only queues;
 * a bounded pool counts each delivery against its action's throttle (shared by every process
 * when a ThrottleCounter of the store is given), then delivers with exponential backoff, and a
 * delivery that still fails (or is refused, or finds the queue full) becomes a dead letter
 * that `resend` sends again.
 */
import { randomUUID } from 'node:crypto';
import type { BusProducer } from '@siem/bus';
import type { ActionDeadLetter, ActionDeadLetterStore, StoredAlert } from '@siem/store';
import type { Logger, MetricsRegistry } from '@siem/telemetry';
import { ActionError, ActionErrorCodes } from './errors';
import { alertCef, alertJson, slackJson, syslogMessage, type NotifiedRule } from './payload';
import type { Action } from './schema';
import { postJson } from './senders/http';
import { sendTcp, sendUdp } from './senders/syslog';
import { signBody } from './signature';
import { LocalThrottle, type ThrottleCounter } from './throttle';
import { validateActions } from './validate';

export interface ActionDispatcherDeps {
  readonly deadLetters: ActionDeadLetterStore;
  /** For kafka actions; without it they fail to the dead letters with SIEM_ACTION_NO_PRODUCER. */
  readonly producer?: BusProducer;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** Attempts per delivery (the first included) and the first backoff; each next one doubles, up to maxDelayMs. */
  readonly retry?: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly timeoutMs?: number;
  /** Deliveries waiting at most; more go straight to the dead letters. */
  readonly queueLimit?: number;
  readonly concurrency?: number;
  /** Where secret_env names are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** Where throttles are counted; by default in this process only (N processes would send N × max). */
  readonly throttle?: ThrottleCounter;
  /** The version CEF events name. */
  readonly version?: string;
}

/** The rule of an alert as the dispatcher needs it: its `actions` are validated here. */
export interface DispatchedRule extends NotifiedRule {
  readonly actions?: readonly unknown[];
}

export interface ActionDispatcher {
  /** Queues the alert for each of the rule's actions; never throws, never waits for a delivery. */
  dispatch(alert: StoredAlert, rule: DispatchedRule): void;
  /** Sends a dead letter again (once, no backoff); removes it when delivered, else throws ActionError. */
  resend(id: string): Promise<void>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Stops taking work; what is still queued becomes dead letters, in-flight deliveries finish. */
  stop(): Promise<void>;
}

interface Delivery {
  readonly action: Action;
  readonly ruleId: string;
  readonly alertId: string;
  readonly tenant: string;
  readonly payload: string;
  /** The throttle window the alert was dispatched in, when the action has a throttle. */
  readonly windowStart?: number;
}

const DEFAULT_RETRY = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };
const DURATION_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The alert's tenant, `organization.id`, as the processor copies it from the event; `default` without one. */
function tenantOf(alert: StoredAlert): string {
  const id = (alert.alert.organization as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : 'default';
}

function windowMs(window: string): number {
  return Number(window.slice(0, -1)) * (DURATION_MS[window.slice(-1)] ?? Number.NaN);
}

export function createActionDispatcher(deps: ActionDispatcherDeps): ActionDispatcher {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const queueLimit = deps.queueLimit ?? 10_000;
  const concurrency = deps.concurrency ?? 4;
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;
  const throttle = deps.throttle ?? new LocalThrottle();
  const sent = deps.metrics.counter('siem_action_sent_total', 'Notifications delivered, by action type.');
  const throttled = deps.metrics.counter('siem_action_throttled_total', "Notifications dropped by their action's throttle, by action type.");
  const retried = deps.metrics.counter('siem_action_retries_total', 'Delivery attempts after a failed one, by action type.');
  const dead = deps.metrics.counter('siem_action_dead_letters_total', 'Notifications given up and kept as dead letters, by action type and reason (failed, refused, queue_full, stopped, invalid).');
  const invalid = deps.metrics.counter('siem_action_invalid_total', 'Alerts of rules whose actions are invalid (nothing was sent), by rule.');
  const throttleFailures = deps.metrics.counter('siem_action_throttle_failures_total', 'Notifications sent without their throttle because the store that counts it failed, by action type.');

  const queue: Delivery[] = [];
  const validated = new WeakMap<object, Action[] | ActionError>();
  let running = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (queue.length > 0 || running > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };

  const send = async (delivery: Delivery): Promise<void> => {
    const { action, payload, alertId } = delivery;
    switch (action.type) {
      case 'webhook':
      case 'slack': {
        const headers: Record<string, string> = { ...(action.type === 'webhook' ? action.headers : {}) };
        const secret = action.secret ?? (action.secret_env === undefined ? undefined : env[action.secret_env]);
        if (action.secret_env !== undefined && secret === undefined) {
          throw new ActionError(ActionErrorCodes.noSecret, `The environment variable ${action.secret_env} that holds the secret of action "${action.id}" is not set.`, { retryable: false });
        }
        if (secret !== undefined) headers['x-siem-signature'] = signBody(payload, secret);
        return postJson(action.url, payload, headers, timeoutMs);
      }
      case 'kafka': {
        if (!deps.producer) throw new ActionError(ActionErrorCodes.noProducer, `Action "${action.id}" produces to ${action.topic}, but this process has no bus producer; resend it from a processor.`, { retryable: false });
        try {
          return await deps.producer.send(action.topic, [{ key: alertId, value: Buffer.from(payload) }]);
        } catch (cause) {
          throw new ActionError(ActionErrorCodes.deliveryFailed, `Producing to ${action.topic} failed: ${(cause as Error).message}.`, { cause, retryable: (cause as { retryable?: boolean }).retryable !== false });
        }
      }
      case 'syslog':
        return action.protocol === 'tcp' ? sendTcp(action.host, action.port, payload, timeoutMs) : sendUdp(action.host, action.port, payload);
    }
  };

  const bury = async (delivery: Delivery, reason: string, error: string, attempts: number): Promise<void> => {
    dead.inc({ type: delivery.action.type, reason });
    const letter: ActionDeadLetter = {
      id: randomUUID(),
      failed_at: new Date(now()).toISOString(),
      rule_id: delivery.ruleId,
      alert_id: delivery.alertId,
      tenant: delivery.tenant,
      action: delivery.action,
      payload: delivery.payload,
      attempts,
      error,
    };
    try {
      await deps.deadLetters.add(letter);
      deps.logger.warn({ rule: delivery.ruleId, action: delivery.action.id, alert: delivery.alertId, reason, error }, 'A notification was given up and kept as a dead letter.');
    } catch (failure) {
      deps.logger.error({ err: failure, rule: delivery.ruleId, action: delivery.action.id, alert: delivery.alertId, error }, 'A notification was given up and its dead letter could not be kept.');
    }
  };

  /** Whether the action's throttle lets the delivery go; a store that cannot count it lets it go (a page too many rather than none). */
  const withinThrottle = async ({ action, ruleId, windowStart }: Delivery): Promise<boolean> => {
    if (action.throttle === undefined || windowStart === undefined) return true;
    try {
      if (await throttle.take(`${ruleId}\u0000${action.id}`, windowStart, action.throttle.max)) return true;
    } catch (error) {
      throttleFailures.inc({ type: action.type });
      deps.logger.warn({ err: error, rule: ruleId, action: action.id }, "A notification's throttle could not be counted; it is sent anyway.");
      return true;
    }
    throttled.inc({ type: action.type });
    return false;
  };

  const deliver = async (delivery: Delivery): Promise<void> => {
    if (!(await withinThrottle(delivery))) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await send(delivery);
        sent.inc({ type: delivery.action.type });
        return;
      } catch (error) {
        const failure = error instanceof ActionError ? error : new ActionError(ActionErrorCodes.deliveryFailed, (error as Error).message, { cause: error, retryable: true });
        if (!failure.retryable || attempt >= retry.attempts || stopped) {
          await bury(delivery, failure.retryable ? 'failed' : 'refused', `${failure.code}: ${failure.message}`, attempt);
          return;
        }
        retried.inc({ type: delivery.action.type });
        await new Promise((resolve) => setTimeout(resolve, Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs)));
      }
    }
  };

  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const delivery = queue.shift()!;
      running++;
      void deliver(delivery).finally(() => {
        running--;
        pump();
        settle();
      });
    }
  };

  const payloadOf = (action: Action, alert: StoredAlert, rule: NotifiedRule): string => {
    switch (action.type) {
      case 'webhook':
      case 'kafka':
        return alertJson(alert, rule, new Date(now()).toISOString());
      case 'slack':
        return slackJson(alert, rule);
      case 'syslog':
        return syslogMessage(alertCef(alert, rule, deps.version ?? '0.1.0'), rule.level, action.facility, new Date(now()));
    }
  };

  const actionsOf = (rule: DispatchedRule): Action[] | ActionError => {
    const key = rule.actions as object;
    let known = validated.get(key);
    if (known === undefined) {
      try {
        known = validateActions(rule.actions);
      } catch (error) {
        known = error as ActionError;
        deps.logger.warn({ rule: rule.id, reason: known.message }, "A rule's actions are invalid; its alerts are not notified.");
      }
      validated.set(key, known);
    }
    return known;
  };

  return {
    dispatch(alert, rule) {
      if (!rule.actions || rule.actions.length === 0) return;
      const actions = actionsOf(rule);
      if (actions instanceof ActionError) {
        invalid.inc({ rule_id: rule.id });
        return;
      }
      for (const action of actions) {
        const window = action.throttle && windowMs(action.throttle.window);
        const delivery: Delivery = {
          action,
          ruleId: rule.id,
          alertId: alert.id,
          tenant: tenantOf(alert),
          payload: payloadOf(action, alert, rule),
          ...(window === undefined ? {} : { windowStart: Math.floor(now() / window) * window }),
        };
        if (stopped || queue.length >= queueLimit) {
          void bury(delivery, stopped ? 'stopped' : 'queue_full', stopped ? 'The dispatcher was stopping.' : `More than ${queueLimit} notifications were waiting.`, 0);
          continue;
        }
        queue.push(delivery);
      }
      pump();
    },

    async resend(id) {
      const letter = await deps.deadLetters.get(id);
      if (!letter) throw new ActionError(ActionErrorCodes.deadLetterNotFound, `No dead letter has the id ${id}; list them with GET /api/v1/actions/dead-letters.`, { retryable: false });
      await send({ action: letter.action as unknown as Action, ruleId: letter.rule_id, alertId: letter.alert_id, tenant: letter.tenant, payload: letter.payload });
      sent.inc({ type: letter.action.type });
      await deps.deadLetters.remove(id);
    },

    idle() {
      if (queue.length === 0 && running === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },

    async stop() {
      stopped = true;
      const left = queue.splice(0);
      await Promise.all(left.map((delivery) => bury(delivery, 'stopped', 'The dispatcher stopped before this was sent.', 0)));
      await this.idle();
    },
  };
}
