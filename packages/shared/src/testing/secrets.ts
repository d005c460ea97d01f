import { randomBytes } from 'node:crypto';

/** A fresh 48-byte secret for one test run; tests never use the demo .env secrets. */
export const testSecret = () => randomBytes(48).toString('base64url');

/** A TCP port that was free a moment ago (for child processes that need a fixed port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
