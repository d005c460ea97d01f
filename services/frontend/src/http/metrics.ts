import { httpMetrics, mayReadMetrics } from '@pupero/shared/metrics';
import type { Express, NextFunction, Request, Response } from 'express';

/**
 * `GET /metrics` like the other services' (packages/shared/src/http/metrics.ts): process metrics and
 * `http_request_duration_seconds` by method, route and status, labelled with the service's name; only
 * for private addresses, and never through a proxy (a request that carries X-Forwarded-For).
 */
export function registerMetrics(app: Express, service: string) {
  const { registry, duration } = httpMetrics(service);

  function observe(req: Request, res: Response, next: NextFunction) {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith('/static/') ? '/static' : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
    });
    next();
  }

  async function serve(req: Request, res: Response, next: NextFunction) {
    if (!mayReadMetrics(req.socket.remoteAddress, req.headers)) return next();
    res.type(registry.contentType).send(await registry.metrics());
  }

  app.use(observe);
  app.get('/metrics', serve);
  return { registry };
}
