import { z } from 'zod';
import type { Server } from './create-server.ts';

/** A named dependency check: resolves when healthy, throws (or times out) otherwise. */
export type HealthCheck = () => Promise<unknown>;

const healthBody = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.record(z.string(), z.string()),
});

/** `GET /healthz`: 200 when every check passes, 503 naming those that fail. */
export function healthRoute(app: Server, checks: Record<string, HealthCheck>, timeoutMs = 2000) {
  app.get('/healthz', { schema: { response: { 200: healthBody, 503: healthBody } } }, async (_request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => withTimeout(Promise.resolve().then(checks[name]!), timeoutMs)));
    const report: Record<string, string> = {};
    results.forEach((r, i) => {
      report[names[i]!] = r.status === 'fulfilled' ? 'ok' : 'down';
    });
    const healthy = results.every((r) => r.status === 'fulfilled');
    return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', checks: report });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
