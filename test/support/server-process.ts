import { createServer } from 'node:net';
import { join } from 'node:path';

/** The built server, as users run it (`npm test` builds it first). */
export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** A port nothing listens on right now, for a server process started with PORT. */
export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
