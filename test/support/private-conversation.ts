import type { TestSocket } from './socket';
import { guestCookie, type TestApp } from './test-app';

/** Private conversations in specs: people, what they tell each other, catch-ups and unread counts. */

export type Private = { id: string; msg: string; from: string; to: string; seq: number; cursor: number };
export type Sync = { ok: true; with: string; changes: { event: string; data: Private }[]; cursor: number; hasMore: boolean };
export type Unread = { with: string; count: number; mentions: number; readSeq: number };
export type User = { socket: TestSocket; cookie: string; name: string };

export const user = async (server: TestApp): Promise<User> => {
  const cookie = await guestCookie(server);
  const socket = await server.connect({ cookie });
  return { socket, cookie, name: socket.username };
};

export const tell = async (from: User, to: User, msg: string): Promise<Private> =>
  (await from.socket.ask<{ message: Private }>('private_message', { target: to.name, msg })).message;

export const sync = (socket: TestSocket, withName: string, since: number): Promise<Sync> =>
  socket.ask<Sync>('private_sync', { with: withName, since });

/** Every page after `since`, as a client catching up does. */
export const syncAll = async (socket: TestSocket, withName: string, since: number): Promise<Sync[]> => {
  const pages: Sync[] = [];
  for (let cursor = since; ;) {
    const page = await sync(socket, withName, cursor);
    pages.push(page);
    if (!page.hasMore) return pages;
    cursor = page.cursor;
  }
};

export const unreadOf = async (server: TestApp, cookie: string): Promise<Unread[]> =>
  (await server.http().get('/api/unread').set('Cookie', cookie).expect(200)).body.conversations;
