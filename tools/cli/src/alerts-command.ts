import { setTimeout as sleep } from 'node:timers/promises';
import { apiRequest } from './api-request';
import { table } from './rules-command';

export interface AlertsOptions {
  readonly apiUrl: string;
  readonly query: string;
  readonly filter: Readonly<{ rule?: string; level?: string; status?: string; from?: string; to?: string }>;
  readonly size: number;
  readonly json: boolean;
}

interface AlertHit {
  id: string;
  alert: { '@timestamp': string; rule: { id: string; title: string; level: string }; alert: { status: string; detected_at: string }; host?: { name?: string }; user?: { name?: string } };
}

async function fetchAlerts(options: AlertsOptions): Promise<{ total: number; alerts: AlertHit[] }> {
  return apiRequest(options.apiUrl, '/api/v1/alerts', { query: { q: options.query, size: String(options.size), ...options.filter } });
}

function rowOf(hit: AlertHit): string[] {
  const { alert } = hit;
  return [alert.alert.detected_at, alert.rule.level, alert.alert.status, alert.host?.name ?? '', alert.user?.name ?? '', alert.rule.title];
}

const HEADER = ['detected', 'level', 'status', 'host.name', 'user.name', 'rule'];

/** The newest alerts as a table (or the API's JSON with --json). */
export async function runAlerts(options: AlertsOptions): Promise<string> {
  const body = await fetchAlerts(options);
  if (options.json) return `${JSON.stringify(body, null, 2)}\n`;
  return table(HEADER, body.alerts.map(rowOf), `${body.alerts.length} of ${body.total} alerts`);
}

/**
 * Prints alerts as they are raised: the newest page now, then every alert not seen before at
 * each poll, oldest first, one line each (one JSON object per line with --json); until `signal` aborts.
 */
export async function followAlerts(options: AlertsOptions & { readonly intervalMs: number; readonly signal: AbortSignal; readonly write: (text: string) => void }): Promise<void> {
  const seen = new Set<string>();
  let first = true;
  while (!options.signal.aborted) {
    const body = await fetchAlerts(options);
    const fresh = body.alerts.filter((hit) => !seen.has(hit.id)).reverse();
    for (const hit of fresh) seen.add(hit.id);
    if (first && !options.json) options.write(`${HEADER.join('  ')}\n`);
    for (const hit of fresh) options.write(options.json ? `${JSON.stringify(hit)}\n` : `${rowOf(hit).join('  ')}\n`);
    first = false;
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}
