import type { Request, Response } from 'express';
import type { FrontendDeps } from '../deps.ts';

const TIMEOUT_MS = 2000;

/** `GET /healthz`: the gateway answers, and the session store's database does. 503 naming what is down. */
export function healthRoute(deps: Pick<FrontendDeps, 'gateway' | 'prisma'>) {
  const checks: Record<string, () => Promise<unknown>> = {
    gateway: () => deps.gateway.reachable(TIMEOUT_MS),
    database: () => deps.prisma.$queryRaw`SELECT 1`,
  };
  return async (_req: Request, res: Response) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!())));
    const report = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'ok' : 'down']));
    const healthy = results.every((r) => r.status === 'fulfilled');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', checks: report });
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
