import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { EventStore } from '../../src/application/ports/event-store.port';
import { loadConfig } from '../../src/infrastructure/config';
import { UNREACHABLE_LIMITS } from './server-process';
import { connect, type ConnectOptions, type TestSocket } from './socket';

export const TEST_SECRET = 'test-secret-key-0123456789abcdef';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly url: string;
  readonly dataDir: string;
  readonly http: () => ReturnType<typeof request.agent>;
  readonly store: EventStore;
  connect(options?: ConnectOptions): Promise<TestSocket>;
  /** Stops the server; the data directory stays for a restart. Closing again does nothing. */
  close(): Promise<void>;
}

export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'chat-spec-'));

/** The real application on a random port, with its own SQLite file unless told otherwise. */
export const startApp = async (env: Record<string, string> = {}, dataDir = tempDataDir()): Promise<TestApp> => {
  const config = loadConfig({
    DATA_DIR: dataDir,
    SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'silent',
    PRESENCE_GRACE_MS: '150',
    // Specs that are not about abuse send faster than a person; test/e2e/abuse.e2e-spec.ts uses the real limits.
    ...UNREACHABLE_LIMITS,
    ...env,
  });
  const app = await createApp(config, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const sockets: TestSocket[] = [];
  let closed: Promise<void> | undefined;
  return {
    app,
    url,
    dataDir,
    // As the page sends them: from its own origin (a spec about other origins sets or unsets it).
    http: () => request.agent(app.getHttpServer()).set('Origin', url),
    store: app.get(EventStore),
    connect: async (options) => {
      const socket = await connect(url, options);
      sockets.push(socket);
      return socket;
    },
    close: () =>
      (closed ??= (async () => {
        for (const socket of sockets) socket.close();
        await app.close();
      })()),
  };
};

/**
 * `startApp` for tests that start servers of their own (a restart, another configuration): every
 * server started is closed after the test, passed or failed, and its data directory removed. Call it
 * in a describe block.
 */
export const appsClosedAfterEach = (): typeof startApp => {
  const started: TestApp[] = [];
  afterEach(async () => {
    const apps = started.splice(0);
    await Promise.all(apps.map((app) => app.close()));
    for (const app of apps) removeDataDir(app.dataDir);
  });
  return async (env, dataDir) => {
    const app = await startApp(env, dataDir);
    started.push(app);
    return app;
  };
};

export const removeDataDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** The `name=value` of the first cookie a response sets (the session cookie). */
export const cookieOf = (response: { headers: Record<string, unknown> }): string => {
  const cookies = response.headers['set-cookie'] as string[] | undefined;
  if (cookies === undefined) throw new Error('no Set-Cookie');
  return cookies[0]!.split(';')[0]!;
};

/** A new guest's session cookie, as a client asks for one: POST /api/session. */
export const guestCookie = async (server: TestApp): Promise<string> => cookieOf(await server.http().post('/api/session').expect(201));
