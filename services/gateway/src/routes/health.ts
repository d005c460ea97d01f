import { healthRoute, type Server } from '@pupero/shared/http';
import type { Upstream } from '../upstreams.ts';

/** The gateway is healthy when every core service answers its own /healthz with 200. */
export function gatewayHealthRoute(app: Server, upstreamList: Upstream[], timeoutMs = 2000) {
  const checks = Object.fromEntries(
    upstreamList.map((u) => [
      u.name,
      async () => {
        const response = await fetch(new URL('/healthz', u.url), { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`${u.name} answered ${response.status}`);
      },
    ]),
  );
  healthRoute(app, checks, timeoutMs);
}
