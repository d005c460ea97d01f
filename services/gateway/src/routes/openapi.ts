import type { Server } from '@pupero/shared/http';
import { renderDocsPage } from '../openapi/docs-page.ts';
import { openApiSource } from '../openapi/source.ts';
import type { Upstream } from '../upstreams.ts';

/** The page has no script and loads nothing: its own inline style is all it may use. */
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `GET /openapi.json` (the public API as one OpenAPI 3.1 document) and `GET /docs` (the same, as a page). */
export function openApiRoutes(app: Server, upstreamList: Upstream[], options: { timeoutMs: number; maxAgeMs: number }) {
  let reported = '';
  const publicDocument = openApiSource(upstreamList, {
    ...options,
    onStale: (service, error) =>
      app.log.warn({ err: error, upstream: service }, 'serving the last OpenAPI document of a service that did not answer'),
  });
  const current = async () => {
    const { document, missing } = await publicDocument();
    if (missing.length > 0 && missing.join() !== reported) {
      reported = missing.join();
      app.log.warn({ missing }, 'public routes without an operation in any service document');
    }
    return document;
  };

  app.get('/openapi.json', async (_request, reply) => {
    const document = await current();
    return reply.header('cache-control', 'no-cache').type('application/json').send(JSON.stringify(document));
  });

  app.get('/docs', async (_request, reply) => {
    const page = renderDocsPage(await current());
    return reply
      .header('content-security-policy', DOCS_CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page);
  });
}
