import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
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

/** Limits a scripted client, faster than any person, never reaches (test/e2e/abuse.e2e-spec.ts uses the real ones). */
export const UNREACHABLE_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_MESSAGES: '100000,100000',
  RATE_LIMIT_JOINS: '100000,100000',
  RATE_LIMIT_PRIVATE_MESSAGES: '100000,100000',
  RATE_LIMIT_REGISTRATIONS: '100000,100000',
  MAX_CONNECTIONS_PER_IP: '100000',
  GUESTS_PER_IP: '1000000',
};

/** The environment of every spawned server unless a spec says otherwise: local only, warnings and worse logged. */
export const SERVER_ENV: Readonly<Record<string, string>> = {
  HOST: '127.0.0.1',
  SECRET_KEY: 'spawned-server-secret-0123456789abcdef',
  LOG_LEVEL: 'warn',
  ...UNREACHABLE_LIMITS,
};

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A `node dist/main.js` process and everything it printed. */
export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** stdout and stderr together, in the order they arrived. */
  readonly output: () => string;
  readonly exited: Promise<Exit>;
  alive(): boolean;
  /** Resolves once /ready answers 200; fails, with what the process printed, if it exits first or takes too long. */
  ready(timeoutMs?: number): Promise<void>;
}

const running = new Set<ServerProcess>();

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the built server with SERVER_ENV, a free PORT and `env` on top (a variable set to
 * `undefined` is left out), with nothing else from this process's environment but PATH.
 * Stop it with `killServers` in an afterEach or afterAll, so no failing test leaves it running.
 */
export const spawnServer = async (
  env: Record<string, string | undefined> = {},
  { openFiles }: { /** The process's limit on open files (`ulimit -n`), lower than this one's. */ openFiles?: number } = {},
): Promise<ServerProcess> => {
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '',
    PORT: String(await freePort()),
    ...SERVER_ENV,
    ...env,
  };
  const [command, args] =
    openFiles === undefined
      ? [process.execPath, [MAIN]]
      : ['bash', ['-c', `ulimit -n ${openFiles} && exec "$0" "$1"`, process.execPath, MAIN]];
  const child = spawn(command, args, {
    env: Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)),
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${merged.PORT ?? ''}`;
  const server: ServerProcess = {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    alive,
    ready: async (timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!alive()) throw new Error(`the server exited before it was ready:\n${output}`);
        try {
          if ((await fetch(`${url}/ready`)).ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`the server was not ready within ${timeoutMs} ms:\n${output}`);
        await pause(25);
      }
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
};

/** Kills (SIGKILL) every server this spec file spawned that still runs, and waits until each is gone. */
export const killServers = async (): Promise<void> => {
  const left = [...running];
  for (const server of left) server.child.kill('SIGKILL');
  await Promise.all(left.map((server) => server.exited));
};
