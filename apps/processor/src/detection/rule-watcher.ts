import { compileRules, isCorrelationRule, isScheduledRule, signalRouting, type CompiledRuleSet, type Rule, type SignalRouting } from '@siem/rules';
import type { DetectionStore } from '@siem/store';
import type { Logger } from '@siem/telemetry';
import { compileTenantRules } from './tenant-rules';

export interface RuleWatcherOptions {
  readonly store: Pick<DetectionStore, 'listRules' | 'rulesRevision'>;
  /** How often the store's rules revision is compared with the one compiled. */
  readonly pollMs: number;
  readonly logger: Logger;
  /** Called with each newly compiled set (the first one included). */
  readonly onCompiled?: (rules: CompiledRuleSet) => void;
}

export interface RuleWatcher {
  /** The compiled enabled rules; empty until the first load. */
  current(): CompiledRuleSet;
  /** Which of them feed the enabled correlations (their matches go to the alerting scheduler as signals), and which raise no alert of their own. */
  routing(): SignalRouting;
  /** Loads and compiles the rules (retrying while the store is down), then polls. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Keeps a worker's compiled rules in step with the store without a restart: every `pollMs`
 * it reads the rules revision (one small query) and, when it changed, reads and compiles the
 * enabled rules. A failed reload keeps the previous set and is retried at the next poll.
 */
export function watchRules(options: RuleWatcherOptions): RuleWatcher {
  let compiled = compileRules([]);
  let routing = signalRouting([], []);
  let revision: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  const reload = async (): Promise<void> => {
    const latest = await options.store.rulesRevision();
    if (latest === revision) return;
    const stored = await options.store.listRules({ enabled: true });
    const began = performance.now();
    // Correlations and scheduled rules are the alerting scheduler's to run; correlations only say here which matches it needs.
    const correlations = stored.flatMap((entry) => (isCorrelationRule(entry.rule) ? [entry.rule] : []));
    const single = stored.flatMap((entry) => (isCorrelationRule(entry.rule) || isScheduledRule(entry.rule) ? [] : [entry.rule as unknown as Rule]));
    const next = compileTenantRules(single);
    compiled = next;
    routing = signalRouting(single, correlations);
    revision = latest;
    options.onCompiled?.(next);
    options.logger.info({ rules: next.size, loaded: stored.length, correlations: correlations.length, feedingCorrelations: routing.feeds.size, revision: latest, compileMs: Math.round(performance.now() - began) }, 'Compiled the enabled detection rules.');
  };
  const poll = (): void => {
    if (polling) return;
    polling = reload()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'Reloading the detection rules failed; the previous rules stay in force and it is tried again.'))
      .finally(() => {
        polling = undefined;
      });
  };

  return {
    current: () => compiled,
    routing: () => routing,
    async start() {
      // No event may pass before the rules are in force: the first load is retried until it succeeds.
      for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
        try {
          await reload();
          break;
        } catch (error) {
          options.logger.warn({ err: error, retryInMs: delay }, 'Loading the detection rules failed; retrying before the first chunk.');
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      timer = setInterval(poll, options.pollMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
