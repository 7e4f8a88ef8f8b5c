import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wholeHistory } from '../support/room-history';
import { killServers } from '../support/server-process';
import { connect, type TestSocket } from '../support/socket';
import { mountTmpfs, startServer, stop, unmountAll } from '../support/storage-faults';

/**
 * A full disk (a 1 MB tmpfs filled to the last byte) under a running server: writes that need space
 * are refused with `unavailable`, nothing crashes, nothing stored is lost, and writes go through
 * again once there is space. Mounting needs root (or CAP_SYS_ADMIN): without it this spec fails, saying so.
 */

jest.setTimeout(60_000);

const ROOM = 'General';

type Message = { id: string; seq: number; msg: string; clientId?: string };
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

const sockets: TestSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await killServers();
});

afterAll(async () => {
  await killServers();
  unmountAll();
});

describe('a full disk', () => {
  it('refuses writes with unavailable without crashing, keeps what was stored, and recovers once there is space', async () => {
    const dataDir = mountTmpfs('size=1m');
    const server = await startServer(dataDir);
    const alice = await connect(server.url);
    const bob = await connect(server.url);
    const carol = await connect(server.url);
    sockets.push(alice, bob, carol);
    await alice.ask('join', { room: ROOM });
    await bob.ask('join', { room: ROOM });
    await carol.ask('join', { room: ROOM });
    const stored: Message[] = [];
    for (let i = 0; i < 20; i++) {
      const ack = await alice.ask<Ack>('message', { room: ROOM, msg: `before ${i}`, clientId: `before-${i}` });
      if (!ack.ok) throw new Error(`not stored: ${ack.error.code}`);
      stored.push(ack.message);
    }

    // Fill the disk to the last byte.
    const filler = join(dataDir, 'filler');
    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(64 * 1024);
    try {
      for (let chunk = block; ;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          if (chunk.length === 1) break;
          chunk = chunk.subarray(0, Math.ceil(chunk.length / 2));
        }
      }
    } finally {
      closeSync(fd);
    }

    // SQLite writes its log into space its file already holds, so a write may still be stored on
    // the full disk when it fits there; a write that needs more space is refused with `unavailable`
    // (retry later, same clientId), quickly and without crashing. Each kind of write is repeated
    // until it needs more space.
    let refused: { clientId: string; msg: string } | undefined;
    for (let i = 0; i < 1000 && !refused; i++) {
      const sent = { clientId: `full-${i}`, msg: `while full ${i}` };
      const ack = await alice.ask<Ack>('message', { room: ROOM, ...sent });
      if (ack.ok) stored.push(ack.message);
      else {
        expect(ack.error).toEqual({ code: 'unavailable', message: expect.any(String) });
        refused = sent;
      }
    }
    if (!refused) throw new Error('1,000 messages were stored on a full disk');
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await expect(alice.ask('message', { room: ROOM, ...refused })).resolves.toEqual({
        ok: false,
        error: { code: 'unavailable', message: expect.any(String) },
      });
      expect(Date.now() - started).toBeLessThan(2000);
    }
    // Leaving and joining are writes too.
    for (let moves = 0; ; moves++) {
      if (moves === 1000) throw new Error('1,000 joins and leaves were stored on a full disk');
      const ack = await carol.ask<{ ok: boolean; error?: unknown }>(moves % 2 === 0 ? 'leave' : 'join', { room: ROOM });
      if (ack.ok) continue;
      expect(ack.error).toEqual({ code: 'unavailable', message: expect.any(String) });
      break;
    }
    // A newcomer needs a guest session written: refused at the handshake, with the same code.
    for (let newcomers = 0; ; newcomers++) {
      if (newcomers === 1000) throw new Error('1,000 newcomers were given a session on a full disk');
      const newcomer = await connect(server.url).catch((error: Error) => error);
      if (newcomer instanceof Error) {
        expect(newcomer.message).toMatch('unavailable');
        break;
      }
      sockets.push(newcomer);
    }
    expect(server.alive()).toBe(true);
    expect(alice.raw.connected && bob.raw.connected).toBe(true);
    // What was stored is all there, and nothing else.
    expect((await wholeHistory<Message>(server.url, ROOM)).map((m) => m.id)).toEqual(stored.map((m) => m.id));
    const last = stored[stored.length - 1]!;
    await bob.next<Message>('message', (m) => m.id === last.id);
    expect(bob.received('message').map((m) => (m as Message).id)).toEqual(stored.map((m) => m.id));

    // Space again: the same clientId goes through now, numbered right after the last stored message.
    unlinkSync(filler);
    const retried = await alice.ask<Ack>('message', { room: ROOM, ...refused });
    expect(retried).toMatchObject({ ok: true, message: { seq: stored.length + 1, msg: refused.msg } });
    await expect(bob.next('message', (m) => m.clientId === refused.clientId)).resolves.toMatchObject({ seq: stored.length + 1 });
    const newcomer = await connect(server.url);
    sockets.push(newcomer);
    expect(newcomer.session.resumed).toBe(false);
    stored.push((retried as { message: Message }).message);

    // And all of it survives a restart.
    await stop(server);
    const again = await startServer(dataDir);
    const history = await wholeHistory<Message>(again.url, ROOM);
    expect(history.map((m) => m.id)).toEqual(stored.map((m) => m.id));
    expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
    await stop(again);
  });
});
