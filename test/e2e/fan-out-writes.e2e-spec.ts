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

/** What one write to the kernel carried (server frames are not masked, so their text is readable). */
const textOf = (hook: '_write' | '_writev', args: unknown[]): string => {
  const chunks = hook === '_write' ? [args[0]] : (args[0] as { chunk: unknown }[]).map((entry) => entry.chunk);
  return chunks.map((chunk) => (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk))).join('');
};

/** Counts the writes the server makes to the TCP connection of `client` (each `_write`/`_writev` is one), and keeps what each carried. */
const countWrites = (server: TestApp, client: TestSocket): { readonly count: number; readonly texts: string[] } => {
  const io = server.app.get(SocketIoNotifier).io as Server;
  const tcp = io.sockets.sockets.get(client.raw.id!)!.request.socket as TcpSocket & {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const counter = { count: 0, texts: [] as string[] };
  for (const hook of ['_write', '_writev'] as const) {
    const original = tcp[hook];
    tcp[hook] = function (this: unknown, ...args: unknown[]) {
      counter.count++;
      counter.texts.push(textOf(hook, args));
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

describe('a crowd arriving in a large room', () => {
  let server: TestApp;
  const LARGE = 'Code with Josh';
  const ARRIVALS = 12;

  beforeAll(async () => {
    server = await startApp({ LARGE_ROOM_MEMBERS: '3' });
  });

  afterAll(async () => {
    await server.close();
  });

  it("sends each member a window's join line and presence diff in one write, and every arrival in them", async () => {
    const watcher = await server.connect({ auth: { presence: 'diff' } });
    await watcher.next('presence_state');
    await watcher.ask('join', { room: LARGE });
    for (let i = 0; i < 3; i++) await (await server.connect()).ask('join', { room: LARGE });
    const writes = countWrites(server, watcher);

    // One after another: each arrival comes online, then joins, so some window holds both kinds of change.
    const names: string[] = [];
    for (let i = 0; i < ARRIVALS; i++) {
      const guest = await server.connect();
      await guest.ask('join', { room: LARGE });
      names.push(guest.username);
    }
    // Join lines of a large room name the first three and count the rest.
    const joinsTold = (): number =>
      (watcher.received('status') as { type: string; username?: string; count?: number }[])
        .filter((line) => line.type === 'join' && line.username !== watcher.username)
        .reduce((told, line) => told + (line.count ?? 1), 0);
    const diffSeen = (): string[] => (watcher.received('presence_diff') as { joined: string[] }[]).flatMap((diff) => diff.joined);
    while (!names.every((name) => diffSeen().includes(name))) await watcher.next('presence_diff');
    while (joinsTold() < 3 + ARRIVALS) await watcher.next('status');

    expect(writes.texts.some((text) => text.includes('"presence_diff"') && text.includes('"status"'))).toBe(true);
    const windows = writes.texts.filter((text) => text.includes('"presence_diff"') || text.includes('"status"'));
    const frames = watcher.received('presence_diff').length + watcher.received('status').length;
    expect(windows.length).toBeLessThan(frames);
  });
});

describe('joining a room', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('brings the joiner its membership, its own join line, the history and the answer in one write', async () => {
    const guest = await server.connect();
    const writes = countWrites(server, guest);
    const answer = await guest.ask<{ ok: boolean }>('join', { room: 'The Nerd Nook' });
    expect(answer).toMatchObject({ ok: true });
    await guest.next('status', (line: { username?: string }) => line.username === guest.username);
    expect(guest.received('membership')).toEqual([{ room: 'The Nerd Nook', joined: true }]);
    expect(guest.received('history')).toHaveLength(1);
    expect(writes.count).toBe(1);
  });
});

describe('connecting', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it('brings a client of the original page its session and who is online in one write', async () => {
    // The TCP connection is watched from the moment the server accepts it: the frames come before the client can ask anything.
    const texts: string[] = [];
    const watch = (tcp: TcpSocket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void }): void => {
      for (const hook of ['_write', '_writev'] as const) {
        const original = tcp[hook];
        tcp[hook] = function (this: unknown, ...args: unknown[]) {
          texts.push(textOf(hook, args));
          return original.apply(this, args);
        };
      }
    };
    const http = server.app.getHttpServer() as import('node:http').Server;
    http.on('connection', watch);
    try {
      const guest = await server.connect();
      await guest.next('active_users');
      const session = texts.filter((text) => text.includes('"session"'));
      expect(session).toHaveLength(1);
      expect(session[0]).toContain('"active_users"');
    } finally {
      http.off('connection', watch);
    }
  });
});
