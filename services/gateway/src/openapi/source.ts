import { AppError } from '@pupero/shared/errors';
import { SERVICE_OPENAPI_PATH } from '@pupero/shared/http';
import type { Upstream } from '../upstreams.ts';
import type { OpenApiDocument } from './components.ts';
import { type MergedDocument, mergeDocuments } from './merge.ts';

export interface OpenApiSourceOptions {
  timeoutMs: number;
  /** How long a service's document is used before it is asked again (a deploy may change it). */
  maxAgeMs: number;
  now?: () => number;
  onStale?: (service: string, error: unknown) => void;
}

interface Cached {
  document: OpenApiDocument;
  fetchedAt: number;
}

async function fetchDocument(upstream: Upstream, timeoutMs: number): Promise<OpenApiDocument> {
  const response = await fetch(new URL(SERVICE_OPENAPI_PATH, upstream.url), { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${upstream.name} answered ${response.status}`);
  const document = (await response.json()) as OpenApiDocument;
  if (!document.openapi?.startsWith('3.1') || typeof document.paths !== 'object')
    throw new Error(`${upstream.name} sent no OpenAPI 3.1 document`);
  return document;
}

/**
 * The public document, from each service's own (cached for maxAgeMs). A service that does not
 * answer keeps its last document; one never fetched makes the whole answer a 503, since a partial
 * document would silently describe a smaller API than the one served.
 */
export function openApiSource(upstreams: Upstream[], options: OpenApiSourceOptions) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<void>>();
  let merged: { documents: OpenApiDocument[]; result: MergedDocument } | undefined;

  const refresh = (upstream: Upstream) => {
    const pending =
      inFlight.get(upstream.name) ??
      fetchDocument(upstream, options.timeoutMs)
        .then((document) => {
          cache.set(upstream.name, { document, fetchedAt: now() });
        })
        .catch((error: unknown) => {
          const stale = cache.get(upstream.name);
          if (!stale)
            throw new AppError('SERVICE_UNAVAILABLE', `The ${upstream.name} service's API description is unavailable; try again shortly`);
          // Served as it was; asked again after another maxAgeMs rather than on every request.
          stale.fetchedAt = now();
          options.onStale?.(upstream.name, error);
        })
        .finally(() => inFlight.delete(upstream.name));
    inFlight.set(upstream.name, pending);
    return pending;
  };

  return async function publicDocument(): Promise<MergedDocument> {
    const due = upstreams.filter((u) => {
      const cached = cache.get(u.name);
      return !cached || now() - cached.fetchedAt >= options.maxAgeMs;
    });
    await Promise.all(due.map(refresh));
    const documents = upstreams.map((u) => cache.get(u.name)!.document);
    if (!merged || merged.documents.some((d, i) => d !== documents[i])) {
      merged = { documents, result: mergeDocuments(upstreams, new Map(upstreams.map((u, i) => [u.name, documents[i]!]))) };
    }
    return merged.result;
  };
}
