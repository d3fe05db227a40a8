import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricsRegistry } from '@siem/telemetry';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The budget answers, labelled by the budget that was hit. */
export const BUDGET_REASONS: Readonly<Record<string, string>> = {
  SIEM_API_TIMEOUT: 'time',
  SIEM_API_MEMORY_EXCEEDED: 'memory',
  SIEM_API_OVERLOADED: 'queue',
  SIEM_API_RESULT_TOO_LARGE: 'result_size',
};

/** The API's metrics: requests by route and status, their durations, budget answers and event-loop lag. */
export function apiMetrics(registry: MetricsRegistry) {
  const requests = registry.counter('siem_api_requests_total', 'API requests answered, by route, method and status.');
  const durations = registry.histogram('siem_api_request_duration_seconds', 'Time from request to answer, by route.', DURATION_BUCKETS);
  const budgetRejections = registry.counter('siem_api_budget_rejections_total', 'Requests answered 503/504 because they hit a budget: time, memory, queue or result_size.');
  const lag = registry.gauge('siem_api_event_loop_lag_seconds', 'Event-loop delay of the API process since the previous scrape (p50, p99, max); high values mean requests wait.');
  // The histogram of delays restarts at every scrape, so each scrape shows the interval since the previous one.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  registry.onCollect(() => {
    lag.set({ stat: 'p50' }, delay.percentile(50) / 1e9);
    lag.set({ stat: 'p99' }, delay.percentile(99) / 1e9);
    lag.set({ stat: 'max' }, delay.max / 1e9);
    delay.reset();
  });
  return {
    answered(route: string, method: string, status: number, seconds: number): void {
      requests.inc({ route, method, status: String(status) });
      durations.observe({ route }, seconds);
    },
    budgetHit(code: string): void {
      const reason = BUDGET_REASONS[code];
      if (reason) budgetRejections.inc({ reason });
    },
    stop(): void {
      delay.disable();
    },
  };
}
