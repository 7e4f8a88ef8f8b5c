import type { Socket as TcpSocket } from 'node:net';
import type { Server } from 'socket.io';
import { SocketIoNotifier } from '../../src/interface/ws/socket-io.notifier';
import { startApp, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

/**
 * Messages stored together reach each member together: what a batch of appends pushes to a member's
 * socket leaves the server as one write to the kernel, not one per message (and arrives as one read),
 * in order and complete.
 */

const ROOM = 'General';
const BURST = 30;

/** Counts the writes the server makes to the TCP connection of `client` (each `_write`/`_writev` is one). */
const countWrites = (server: TestApp, client: TestSocket): { readonly count: number } => {
  const io = server.app.get(SocketIoNotifier).io as Server;
  const tcp = io.sockets.sockets.get(client.raw.id!)!.request.socket as TcpSocket & {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const counter = { count: 0 };
  for (const hook of ['_write', '_writev'] as const) {
    const original = tcp[hook];
    tcp[hook] = function (this: unknown, ...args: unknown[]) {
      counter.count++;
      return original.apply(this, args);
    };
  }
  return counter;
};

describe('fan-out of a burst', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('reaches every member complete and in order, in far fewer writes than messages', async () => {
    const sender = await server.connect();
    const members = await Promise.all([server.connect(), server.connect(), server.connect()]);
    for (const client of [sender, ...members]) await client.ask('join', { room: ROOM });
    const writes = members.map((member) => countWrites(server, member));

    const texts = Array.from({ length: BURST }, (_, i) => `burst ${i}`);
    const acks = await Promise.all(texts.map((msg) => sender.ask<{ ok: boolean }>('message', { room: ROOM, msg })));
    expect(acks.every((ack) => ack.ok)).toBe(true);

    for (const member of members) {
      await member.next('message', (m: { msg: string }) => m.msg === texts[BURST - 1]);
      const got = (member.received('message') as { msg: string; username: string }[]).filter((m) => m.msg.startsWith('burst '));
      expect(got.map((m) => m.msg)).toEqual(texts);
      expect(new Set(got.map((m) => m.username))).toEqual(new Set([sender.username]));
    }
    // One write per message (and per member) before; a few batches' worth now.
    for (const counter of writes) expect(counter.count).toBeLessThan(BURST / 3);
  });
});
