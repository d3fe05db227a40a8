import { createHmac } from 'node:crypto';

/** The X-Siem-Signature header value of a body: `sha256=` and the hex HMAC-SHA256 under the action's secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
