import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import client, { type Counter, type Gauge, Registry } from 'prom-client';
import { AppError } from '../errors.ts';
import type { Server } from './create-server.ts';

/**
 * Only Prometheus on the operators' own networks reads /metrics; the public gets a 404. A request
 * that came through a proxy (it carries X-Forwarded-For) is refused too: a proxy on a private
 * address must not pass the public through.
 */
const PRIVATE = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^::1$/, /^f[cd][0-9a-f]{2}:/i];
const isPrivate = (ip: string) => {
  const address = ip.replace(/^::ffff:/i, '');
  return isIP(address) !== 0 && PRIVATE.some((range) => range.test(address));
};

/** Whether a connection may read /metrics: from a private address, and not passed on by a proxy. */
export const mayReadMetrics = (remoteAddress: string | undefined, headers: IncomingHttpHeaders) =>
  headers['x-forwarded-for'] === undefined && isPrivate(remoteAddress ?? '');

/**
 * What every service's /metrics shows, whatever its framework: a registry labelled with the service,
 * the process metrics, and the HTTP latency histogram by method, route and status.
 */
export function httpMetrics(service: string) {
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
  return { registry, duration };
}

export interface ServiceMetrics {
  registry: Registry;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
  /** A gauge read when scraped: one number, or one per value of `label`. */
  gauge(name: string, help: string, collect: () => Promise<number | Record<string, number>>, label?: string): Gauge<string>;
}

/**
 * `GET /metrics` in Prometheus' text format: process metrics, an HTTP latency histogram by route
 * and status, and whatever counters and gauges the service adds (ledger, deposits, withdrawals,
 * queue depth). Every series carries `service`.
 */
export function registerMetrics(app: Server, service: string): ServiceMetrics {
  const { registry, duration } = httpMetrics(service);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (request, reply) => {
    if (!mayReadMetrics(request.socket.remoteAddress, request.headers)) throw new AppError('NOT_FOUND', 'Route GET /metrics not found');
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return {
    registry,
    counter: (name, help, labelNames = []) => new client.Counter({ name, help, labelNames, registers: [registry] }),
    gauge: (name, help, collect, label) =>
      new client.Gauge({
        name,
        help,
        labelNames: label ? [label] : [],
        registers: [registry],
        async collect() {
          const value = await collect();
          if (typeof value === 'number') this.set(value);
          else for (const [key, n] of Object.entries(value)) this.set({ [label!]: key }, n);
        },
      }),
  };
}

export type DroppedMessages = Counter<'message' | 'reason'>;

/**
 * Messages a consumer dropped (acked, never requeued): forged or unsigned, malformed, or refused by
 * the ledger or the wallet. Made with a service's dependencies, for its consumers to count into;
 * `buildApp` adds it to the service's registry (`registry.registerMetric`).
 */
export function droppedMessagesCounter(): DroppedMessages {
  return new client.Counter({
    name: 'pupero_messages_dropped_total',
    help: 'Messages dropped by a consumer, by message kind and reason (forged, malformed, contradicting)',
    labelNames: ['message', 'reason'],
    registers: [],
  });
}

/** Rows of `SELECT … AS k, COUNT(*) AS n … GROUP BY …` as a gauge's values. */
export function countsByKey(rows: { k: string; n: bigint | number }[]): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.k, Number(row.n)]));
}
