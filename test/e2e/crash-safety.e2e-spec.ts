import { connect, type TestSocket } from '../support/socket';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { wholeHistory } from '../support/room-history';
import { killServers, spawnServer, type ServerProcess } from '../support/server-process';

/**
 * Crash safety of the built server (`node dist/main.js`, as users run it; `npm test` builds it):
 * a SIGKILL under a steady stream of messages loses no acknowledged message, and clients that
 * resend what was not acknowledged, with the same clientId, create no duplicate; a SIGTERM under
 * load finishes the commands in flight and exits 0.
 */

jest.setTimeout(60_000);

const ROOM = 'General';
const CLIENTS = 4;
/** Sends each client keeps in flight: a steady stream, not one message at a time. */
const WINDOW = 4;
/** One acknowledgement in this many is dropped by the client, as a network would: stored, yet unacknowledged. */
const LOSE_EVERY = 25;

/** Starts the built server on `dataDir` and resolves once it is ready. */
const startServer = async (dataDir: string): Promise<ServerProcess> => {
  // Presence outlasts the restarts: nobody is announced gone between the two runs.
  const server = await spawnServer({ DATA_DIR: dataDir, PRESENCE_GRACE_MS: '60000' });
  await server.ready();
  return server;
};

type Message = { id: string; seq: number; msg: string; username: string; room: string; clientId?: string };
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

/**
 * A client that keeps WINDOW messages in flight, each with a unique clientId, and records what was
 * acknowledged. It stops when its connection drops; what was sent but never answered stays pending.
 */
class Sender {
  readonly acked = new Map<string, Message>();
  readonly pending = new Set<string>();
  readonly refused: string[] = [];
  private next = 0;
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    public socket: TestSocket,
  ) {
    socket.raw.on('disconnect', () => this.stop());
  }

  start(): void {
    for (let i = 0; i < WINDOW; i++) this.sendOne();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves once `condition` holds, checked at every acknowledgement. */
  until(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (condition()) return resolve();
      const listener = (): void => {
        if (!condition()) return;
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  private sendOne(): void {
    if (this.stopped) return;
    const n = this.next++;
    const clientId = `${this.name}-${n}`;
    this.pending.add(clientId);
    this.socket.raw.emit('message', { room: ROOM, msg: `message ${clientId}`, clientId }, (ack: Ack) => {
      // Every LOSE_EVERY-th acknowledgement is "lost on the way": the client must treat the message as unsent.
      if (n % LOSE_EVERY === LOSE_EVERY - 1) return this.sendOne();
      this.pending.delete(clientId);
      if (ack.ok) this.acked.set(clientId, ack.message);
      else this.refused.push(`${clientId}: ${ack.error.code}`);
      for (const listener of [...this.listeners]) listener();
      this.sendOne();
    });
  }
}

const totalAcked = (senders: Sender[]): number => senders.reduce((sum, s) => sum + s.acked.size, 0);

/** Connects the senders' users again with their tokens and rejoins the room. */
const reconnect = async (url: string, senders: Sender[]): Promise<void> => {
  for (const sender of senders) {
    const { token, username } = sender.socket.session;
    const socket = await connect(url, { token });
    expect(socket.session).toMatchObject({ username, resumed: true });
    await expect(socket.ask('join', { room: ROOM })).resolves.toMatchObject({ ok: true, room: ROOM });
    sender.socket = socket;
  }
};

/** The properties that must hold of the room's history after everything was (re)sent. */
const expectExactlyOnce = (history: Message[], senders: Sender[]): void => {
  // seq 1..N without a gap, ids unique
  expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
  expect(new Set(history.map((m) => m.id)).size).toBe(history.length);
  // no clientId twice: nothing was duplicated by a resend
  const byClientId = new Map<string, Message[]>();
  for (const m of history) if (m.clientId !== undefined) byClientId.set(m.clientId, [...(byClientId.get(m.clientId) ?? []), m]);
  const duplicated = [...byClientId].filter(([, copies]) => copies.length > 1).map(([clientId]) => clientId);
  expect(duplicated).toEqual([]);
  // every acknowledged message is there, exactly as acknowledged
  for (const sender of senders) {
    for (const [clientId, acked] of sender.acked) {
      const stored = byClientId.get(clientId);
      if (stored === undefined) throw new Error(`acknowledged message ${clientId} (seq ${acked.seq}) is missing from history`);
      expect(stored[0]).toMatchObject({ id: acked.id, seq: acked.seq, msg: acked.msg, username: sender.socket.username });
    }
  }
};

describe('crash safety of the built server', () => {
  const dirs: string[] = [];
  const sockets: TestSocket[] = [];

  const senders = async (url: string, count: number, prefix: string): Promise<Sender[]> => {
    const result: Sender[] = [];
    for (let i = 0; i < count; i++) {
      const socket = await connect(url);
      sockets.push(socket);
      await socket.ask('join', { room: ROOM });
      result.push(new Sender(`${prefix}${i}`, socket));
    }
    return result;
  };

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await killServers();
  });

  afterAll(() => {
    for (const dir of dirs) removeDataDir(dir);
  });

  it('loses no acknowledged message to a SIGKILL, and resends by clientId create no duplicate', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await startServer(dataDir);
    const clients = await senders(first.url, CLIENTS, 'kill-');
    for (const client of clients) client.start();

    // Kill mid-stream: once a few hundred messages are acknowledged, with sends still in flight.
    await Promise.all(clients.map((c) => c.until(() => totalAcked(clients) >= 300)));
    expect(clients.every((c) => c.pending.size > 0)).toBe(true);
    first.child.kill('SIGKILL');
    await expect(first.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    for (const client of clients) client.stop();
    const acked = totalAcked(clients);
    const unacknowledged = clients.flatMap((c) => [...c.pending].map((clientId) => [c, clientId] as const));
    expect(clients.flatMap((c) => c.refused)).toEqual([]);
    expect(unacknowledged.length).toBeGreaterThan(0);

    const second = await startServer(dataDir);
    await reconnect(second.url, clients);

    // What was acknowledged before the crash survived it, numbered as acknowledged.
    expectExactlyOnce(await wholeHistory<Message>(second.url, ROOM), clients);

    // Resend every unacknowledged message with its clientId: stored once, whether or not it made it before the kill.
    let storedBeforeTheKill = 0;
    for (const [client, clientId] of unacknowledged) {
      const before = (await wholeHistory<Message>(second.url, ROOM)).find((m) => m.clientId === clientId);
      const ack = await client.socket.ask<Ack>('message', { room: ROOM, msg: `message ${clientId}`, clientId });
      if (!ack.ok) throw new Error(`resend of ${clientId} refused: ${ack.error.code}`);
      if (before !== undefined) {
        storedBeforeTheKill++;
        expect(ack.message).toMatchObject({ id: before.id, seq: before.seq });
      }
      client.acked.set(clientId, ack.message);
      client.pending.delete(clientId);
    }
    // A resend of something acknowledged long ago answers with the original too.
    const [someClient] = clients as [Sender];
    const [oldId, oldMessage] = [...someClient.acked][0]!;
    await expect(someClient.socket.ask<Ack>('message', { room: ROOM, msg: `message ${oldId}`, clientId: oldId })).resolves.toEqual({
      ok: true,
      message: oldMessage,
    });

    const history = await wholeHistory<Message>(second.url, ROOM);
    expectExactlyOnce(history, clients);
    expect(history).toHaveLength(acked + unacknowledged.length);
    // Some of those had been stored (their acknowledgement lost, on purpose or by the kill): the resend path that must
    // not duplicate ran, besides the one that stores for the first time (the messages in flight at the kill).
    expect(storedBeforeTheKill).toBeGreaterThan(0);

    // And the restarted server keeps numbering from there.
    const after = await someClient.socket.ask<Ack>('message', { room: ROOM, msg: 'after the crash' });
    expect(after).toMatchObject({ ok: true, message: { seq: history.length + 1 } });
  });

  it('finishes the commands in flight on SIGTERM under load, exits 0 and loses no acknowledged message', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await startServer(dataDir);
    const clients = await senders(first.url, CLIENTS, 'term-');
    for (const client of clients) client.start();

    await Promise.all(clients.map((c) => c.until(() => totalAcked(clients) >= 300)));
    expect(clients.every((c) => c.pending.size > 0)).toBe(true);
    first.child.kill('SIGTERM');
    await expect(first.exited).resolves.toEqual({ code: 0, signal: null });
    expect(first.output()).not.toMatch(/"level":(50|60)/); // nothing logged at error or fatal
    for (const client of clients) client.stop();
    expect(clients.flatMap((c) => c.refused)).toEqual([]);

    const second = await startServer(dataDir);
    await reconnect(second.url, clients);
    const history = await wholeHistory<Message>(second.url, ROOM);
    expectExactlyOnce(history, clients);
    // Nothing but what the clients sent, and at least everything acknowledged.
    expect(history.every((m) => m.clientId?.startsWith('term-'))).toBe(true);
    expect(history.length).toBeGreaterThanOrEqual(totalAcked(clients));
  });
});
