/**
 * The HTTP input: one Fastify server on the ingest port carrying `/ingest`,
 * the Elasticsearch `_bulk` routes and the probes shippers call first, with
 * optional TLS and API keys. `buildHttpInput` returns it unstarted, for
 * `inject` tests.
 */
import type tls from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import { FailureWindows, failureSource } from '@siem/auth';
import { apiKeyChecker, presentedKeys } from './api-keys';
import { registerBulkRoutes } from './bulk-endpoint';
import { registerEsProbes } from './es-probes';
import { HttpInputErrorCodes, sendHttpError } from './http-errors';
import { registerIngestRoute } from './http-ingest';
import type { InputContext, RunningInput } from './input';

export interface HttpInputOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** SIEM_HTTP_REQUEST_TIMEOUT_S in ms: headers and body must arrive within it, and a connection silent this long is closed. */
  readonly requestTimeoutMs: number;
  /** SIEM_HTTP_API_KEYS entries: `<key>` or `<key>=<tenant>`. */
  readonly apiKeys: readonly string[];
  /** Serve HTTPS with these; plain HTTP when absent. */
  readonly tls?: tls.TlsOptions;
  /**
   * Keys of the API's key store: a presented key of role `ingest` is accepted and its tenant
   * applies to what it sends. Asked only for keys SIEM_HTTP_API_KEYS does not hold.
   */
  readonly verifyKey?: (key: string) => Promise<{ readonly role: string; readonly tenant: string } | undefined>;
  /** SIEM_HTTP_AUTH_FAILURES_PER_MINUTE: 401s a source address may cause per minute before its requests get 429. */
  readonly authFailuresPerMinute: number;
  readonly now?: () => number;
}

/** Load balancers and humans may check that the port is up without a key. */
const OPEN_PATHS = new Set(['/']);

export function buildHttpInput(options: HttpInputOptions, context: InputContext): FastifyInstance {
  // Node checks the headers and request timeouts only every connectionsCheckingInterval (30 s by default), which would let a
  // slowloris sender outlive a short timeout by that much.
  const timeouts = {
    headersTimeout: options.requestTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(options.requestTimeoutMs / 4))),
  };
  const common = { logger: false, bodyLimit: options.maxBodyBytes, requestTimeout: options.requestTimeoutMs, connectionTimeout: options.requestTimeoutMs };
  const app = (options.tls ? Fastify({ ...common, https: { ...options.tls, ...timeouts } }) : Fastify({ ...common, http: timeouts })) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const keys = apiKeyChecker(options.apiKeys);
  // A wrong secret of a key-store key costs a scrypt: a source that keeps failing is refused before its next key is checked.
  const failures = new FailureWindows(options.authFailuresPerMinute, options.now);
  app.decorateRequest('ingestTenant', undefined);
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    const source = failureSource(request.ip);
    const waitMs = failures.blockedFor(source);
    if (waitMs > 0) {
      context.rejected('http', 'auth_failures_limit');
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return sendHttpError(reply, {
        status: 429,
        code: HttpInputErrorCodes.authFailuresLimit,
        message: `Too many failed authentications from ${source} (SIEM_HTTP_AUTH_FAILURES_PER_MINUTE); retry in ${seconds} s with a valid key.`,
        type: 'es_rejected_execution_exception',
        retryAfterSeconds: seconds,
      });
    }
    const check = keys.check(request.headers);
    if (check.ok && check.tenant !== undefined) {
      request.ingestTenant = check.tenant;
      return;
    }
    // A SIEM_HTTP_API_KEYS key without a tenant sends into the input's tenant.
    if (check.ok && keys.required) return;
    for (const presented of options.verifyKey ? presentedKeys(request.headers) : []) {
      const principal = await options.verifyKey!(presented);
      if (principal?.role === 'ingest') {
        request.ingestTenant = principal.tenant;
        return;
      }
    }
    if (check.ok) return;
    failures.fail(source);
    context.rejected('http', 'unauthorized');
    reply.header('www-authenticate', 'ApiKey');
    return sendHttpError(reply, {
      status: 401,
      code: HttpInputErrorCodes.unauthorized,
      message: 'A valid API key is required: send Authorization: ApiKey <key> (or base64 of <id>:<key>) or X-API-Key: <key>, with a key from SIEM_HTTP_API_KEYS.',
      type: 'security_exception',
    });
  });
  app.addHook('onSend', async (_request, reply) => {
    // Elasticsearch clients from 7.14 on refuse a server that does not say it is one.
    reply.header('x-elastic-product', 'Elasticsearch');
  });
  app.setNotFoundHandler((request, reply) =>
    sendHttpError(reply, { status: 404, code: HttpInputErrorCodes.notFound, message: `No route ${request.method} ${request.url.split('?')[0]}; send events to POST /ingest or POST /_bulk.`, type: 'resource_not_found_exception' }),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (error.statusCode === 413) {
      return sendHttpError(reply, { status: 413, code: HttpInputErrorCodes.bodyTooLarge, message: `The body is over ${options.maxBodyBytes} bytes (SIEM_HTTP_MAX_BODY_BYTES); send smaller requests.`, type: 'content_too_long_exception' });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendHttpError(reply, { status: error.statusCode, code: HttpInputErrorCodes.badRequest, message: `The request is malformed: ${error.message}`, type: 'illegal_argument_exception' });
    }
    context.logger.error({ err: error, url: request.url }, 'The HTTP input failed on a request.');
    return sendHttpError(reply, { status: 500, code: HttpInputErrorCodes.internal, message: 'The collector failed on this request; the collector log has the details.', type: 'exception' });
  });

  // Each route group in its own encapsulated context; the key check and error answers above apply to all.
  void app.register(async (scope) => registerIngestRoute(scope, context, options.maxBodyBytes));
  void app.register(async (scope) => registerBulkRoutes(scope, context, options.maxBodyBytes));
  void app.register(async (scope) => registerEsProbes(scope));
  return app;
}

export async function startHttpInput(options: HttpInputOptions, context: InputContext): Promise<RunningInput> {
  const app = buildHttpInput(options, context);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : options.port;
  return { name: 'http', address: `${options.tls ? 'https' : 'http'}://${options.host}:${boundPort}`, close: () => app.close() };
}
