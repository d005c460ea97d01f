import type { PublicRoute, Upstream } from '../upstreams.ts';
import { type Json, type OpenApiDocument, type Operation, publicComponents } from './components.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The API's own version: bump it when a public route changes its contract. */
export const API_VERSION = '0.1.0';

/** Where a service's path is published: its mount's public prefix in place of the upstream one. */
export function publicPath(upstream: Upstream, servicePath: string): string | undefined {
  const mount = upstream.mounts
    .filter((m) => m.rewritePrefix === '' || servicePath === m.rewritePrefix || servicePath.startsWith(`${m.rewritePrefix}/`))
    .sort((a, b) => b.rewritePrefix.length - a.rewritePrefix.length)[0];
  return mount && `${mount.prefix}${servicePath.slice(mount.rewritePrefix.length)}`;
}

/** A concrete path for an OpenAPI template (`/offers/{id}` → `/offers/p1`), to test against a route's pattern. */
export const samplePath = (template: string) => template.replaceAll(/\{[^}/]+\}/g, 'p1');

/** The public route that makes this operation reachable through the gateway, if any. */
export function routeFor(upstream: Upstream, method: string, path: string): PublicRoute | undefined {
  const sample = samplePath(path);
  return upstream.routes.find((r) => r.method === method.toUpperCase() && r.path.test(sample));
}

const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** The service's operation as the gateway publishes it: tagged, its security named, every error answer the common shape. */
function publicOperation(operation: Operation, route: PublicRoute, tag: string): Operation {
  const responses: Json = {};
  for (const [status, response] of Object.entries((operation.responses ?? {}) as Json)) {
    responses[status] = /^[45]/.test(status) ? errorRef('Error') : response;
  }
  if (operation.parameters || operation.requestBody) responses['400'] ??= errorRef('ValidationFailed');
  if (route.auth) responses['401'] ??= errorRef('Unauthenticated');
  responses['429'] ??= errorRef('TooManyRequests');
  responses['503'] ??= errorRef('ServiceUnavailable');
  responses.default = errorRef('Error');
  return { ...operation, tags: [tag], ...(route.auth ? { security: [{ bearerAuth: [] }] } : {}), responses };
}

export interface MergedDocument {
  document: OpenApiDocument;
  /** Public routes no service document describes: each a gap to fix in that service's schemas. */
  missing: string[];
}

/**
 * One OpenAPI 3.1 document from the services' own: each operation under its public path, kept
 * only when a public route of the gateway's table reaches it (so nothing internal is published).
 */
export function mergeDocuments(upstreams: Upstream[], documents: Map<string, OpenApiDocument>): MergedDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  const reached = new Set<PublicRoute>();
  const serviceSchemas: Json = {};
  for (const upstream of upstreams) {
    const source = documents.get(upstream.name);
    if (!source) continue;
    Object.assign(serviceSchemas, source.components?.schemas ?? {});
    for (const [servicePath, item] of Object.entries(source.paths ?? {})) {
      const path = publicPath(upstream, servicePath);
      if (!path) continue;
      for (const method of METHODS) {
        const operation = item[method];
        const route = operation && routeFor(upstream, method, path);
        if (!operation || !route) continue;
        reached.add(route);
        paths[path] = { ...paths[path], [method]: publicOperation(operation, route, upstream.name) };
      }
    }
  }
  const missing = upstreams.flatMap((u) => u.routes.filter((r) => !reached.has(r)).map((r) => `${r.method} ${r.path.source}`));
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Pupero API',
      version: API_VERSION,
      description: 'The public API of the Pupero marketplace, as the gateway serves it. Amounts are decimal XMR strings.',
    },
    tags: upstreams.filter((u) => documents.has(u.name)).map((u) => ({ name: u.name })),
    paths,
    components: publicComponents(serviceSchemas),
  };
  return { document, missing };
}
