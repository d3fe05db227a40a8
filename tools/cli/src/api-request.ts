import { apiAuthHeaders } from './api-credential';

/** Calls the API and returns its JSON answer; an error answer becomes an Error with the API's code and message. */
export async function apiRequest<T>(apiUrl: string, path: string, init: { method?: string; body?: unknown; query?: Record<string, string | undefined> } = {}): Promise<T> {
  const url = new URL(path, apiUrl);
  for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { ...apiAuthHeaders(), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    throw new Error(`Could not reach the API at ${apiUrl}: ${(error as Error).message}. Is \`siem start\` running?`);
  }
  const text = await response.text();
  const body = text === '' ? undefined : (JSON.parse(text) as T & { error?: { code: string; message: string; details?: { pointer?: string } } });
  if (!response.ok) {
    const failure = (body as { error?: { code: string; message: string; details?: { pointer?: string } } } | undefined)?.error;
    const pointer = failure?.details?.pointer ? ` (at ${failure.details.pointer})` : '';
    throw new Error(`${failure?.code ?? response.status}: ${failure?.message ?? `the API answered ${response.status}`}${pointer}`);
  }
  return body as T;
}
