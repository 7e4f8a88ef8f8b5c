import { cookieOf, type TestApp } from './test-app';
import type { TestSocket } from './socket';

/** A person with an account, connected: their socket, and the cookie for REST. */
export type Member = { socket: TestSocket; cookie: string; name: string };

/** Registers `name` (a guest first, as the page does) and connects with the account's cookie. */
export const withAccount = async (server: TestApp, name: string): Promise<Member> => {
  const guest = cookieOf(await server.http().post('/api/session').expect(201));
  await server
    .http()
    .post('/api/auth/register')
    .set('Cookie', guest)
    .send({ username: name, password: `${name}-password-123` })
    .expect(201);
  return { socket: await server.connect({ cookie: guest }), cookie: guest, name };
};

/** A guest, connected, with the cookie for REST. */
export const asGuest = async (server: TestApp): Promise<Member> => {
  const cookie = cookieOf(await server.http().post('/api/session').expect(201));
  const socket = await server.connect({ cookie });
  return { socket, cookie, name: socket.username };
};

export type Ack = { ok: boolean; error?: { code: string; message: string; retryAfterMs?: number; until?: string } } & Record<
  string,
  unknown
>;

/** The ack's error code, or 'ok'. */
export const outcome = async (socket: TestSocket, event: string, payload: unknown): Promise<string> => {
  const ack = await socket.ask<Ack>(event, payload);
  return ack.ok ? 'ok' : ack.error!.code;
};

/** Every event type appended to a stream so far. */
export const streamTypes = async (server: TestApp, streamId: string): Promise<string[]> =>
  (await server.store.readStream(streamId)).map((event) => event.type);
