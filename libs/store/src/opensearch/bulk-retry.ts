import { setTimeout as sleep } from 'node:timers/promises';

/** One item of a bulk response, in request order. */
export interface BulkItemAnswer {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

export interface ItemRetryOptions {
  /** Requests in all, the first included (default 5). */
  readonly attempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface ItemRetryOutcome<T> {
  /** Items the store refused for good (a mapping error, a bad document): no retry can help. */
  readonly rejected: { readonly item: T; readonly status: number; readonly reason: string }[];
  /** Items still answered 429 or 5xx after the last attempt. */
  readonly unavailable: T[];
  /** Items sent again, summed over the attempts. */
  readonly resent: number;
}

/** Statuses worth retrying: the store is overloaded or briefly unavailable, not the document at fault. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Sends a bulk request, then again, with backoff, only the items answered 429 or 5xx: a cluster
 * that pushes back on part of a request gets back that part, not the items it already indexed.
 */
export async function sendWithItemRetries<T>(items: readonly T[], send: (batch: readonly T[]) => Promise<readonly BulkItemAnswer[]>, options: ItemRetryOptions = {}): Promise<ItemRetryOutcome<T>> {
  const attempts = options.attempts ?? 5;
  let delayMs = options.initialDelayMs ?? 100;
  const rejected: ItemRetryOutcome<T>['rejected'] = [];
  let pending: readonly T[] = items;
  let resent = 0;
  for (let attempt = 1; ; attempt++) {
    const answers = await send(pending);
    const again: T[] = [];
    pending.forEach((item, position) => {
      const answer = answers[position];
      if (!answer?.error) return;
      if (isRetryableStatus(answer.status)) again.push(item);
      else rejected.push({ item, status: answer.status, reason: `${answer.error.type ?? 'error'}: ${answer.error.reason ?? 'unknown'}` });
    });
    if (again.length === 0 || attempt >= attempts) return { rejected, unavailable: again, resent };
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, options.maxDelayMs ?? 2_000);
    resent += again.length;
    pending = again;
  }
}
