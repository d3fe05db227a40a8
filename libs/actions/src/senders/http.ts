import { ActionError, ActionErrorCodes } from '../errors';

/** POSTs a JSON body; a 2xx delivers, 408/429/5xx and network failures may be retried, other answers not. */
export async function postJson(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (cause) {
    throw new ActionError(ActionErrorCodes.deliveryFailed, `POST ${url} failed: ${(cause as Error).message}.`, { cause, retryable: true });
  }
  // The body is read so the connection can be reused; its content is not needed.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new ActionError(ActionErrorCodes.deliveryFailed, `POST ${url} answered HTTP ${response.status}.`, { retryable });
}
