import { isPrivate } from '@pupero/shared/metrics';
import type { Express, NextFunction, Request, Response } from 'express';
import client, { Registry } from 'prom-client';

/**
 * `GET /metrics` like the other services' (packages/shared/src/http/metrics.ts): process metrics and
 * `http_request_duration_seconds` by method, route and status, labelled with the service's name; only
 * for private addresses, and never through a proxy (a request that carries X-Forwarded-For).
 */
export function registerMetrics(app: Express, service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

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
    const proxied = req.headers['x-forwarded-for'] !== undefined;
    if (proxied || !isPrivate(req.socket.remoteAddress ?? '')) return next();
    res.type(registry.contentType).send(await registry.metrics());
  }

  app.use(observe);
  app.get('/metrics', serve);
  return { registry };
}
