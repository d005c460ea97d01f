import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from './create-server.ts';
import { registerMetrics } from './metrics.ts';

describe('/metrics', () => {
  it('answers Prometheus text to private networks only, with HTTP latency and the service gauges', async () => {
    const app = createServer({ logger: false });
    const metrics = registerMetrics(app, 'demo');
    metrics.gauge('pupero_things', 'Things by colour', async () => ({ red: 2, blue: 5 }), 'colour');
    app.get('/hello', async () => ({ hello: 'world' }));
    await app.inject({ method: 'GET', url: '/hello' });
    const local = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    assert.equal(local.statusCode, 200);
    assert.match(local.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    assert.match(local.body, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(local.body, /^http_request_duration_seconds_count\{[^}]*route="\/hello"[^}]*status="200"[^}]*\} 1$/m);
    assert.match(local.body, /^pupero_things\{colour="blue",service="demo"\} 5$/m);
    assert.match(local.body, /^process_cpu_seconds_total\{service="demo"\} /m);
    const outside = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '8.8.8.8' });
    assert.equal(outside.statusCode, 404, 'not for the public');
    const mapped = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::ffff:192.168.1.9' });
    assert.equal(mapped.statusCode, 200, 'an IPv4-mapped private address');
    const proxied = await app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.0.0.2',
      headers: { 'x-forwarded-for': '8.8.8.8' },
    });
    assert.equal(proxied.statusCode, 404, 'not through a proxy');
    await app.close();
  });
});
