import type { Server } from './create-server.ts';

/** Listens, and on SIGINT or SIGTERM closes the app first, then what the service opened. */
export async function serve(
  app: Server,
  address: { host: string; port: number },
  closeRest: () => Promise<unknown> = async () => undefined,
): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      app.log.info({ signal }, 'shutting down');
      await app.close();
      await closeRest();
      process.exit(0);
    });
  }
  await app.listen(address);
}
