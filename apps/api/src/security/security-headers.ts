import type { FastifyInstance } from 'fastify';

// The docs page (swagger-ui) loads its own scripts and styles and sets inline styles and data: images;
// everything else is data that no browser should run, frame or cache.
const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The headers a browser needs to treat API answers as data only, on every answer, errors included. */
export function registerSecurityHeaders(app: FastifyInstance, options: { readonly tls: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', request.url.startsWith('/api/docs') ? DOCS_CSP : API_CSP);
    // The docs' static files may be cached as swagger-ui says; API data never is.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (options.tls) void reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });
}
