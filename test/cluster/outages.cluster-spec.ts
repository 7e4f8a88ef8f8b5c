import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { TestSocket } from '../support/socket';
import { Cluster, eventually, type Node } from './support/cluster';
import { OwnRedis } from './support/redis-server';

/**
 * PostgreSQL or Redis going away under a running cluster of two nodes, and coming back.
 *
 * The shared PostgreSQL and Redis serve other specs, so neither is stopped: PostgreSQL "goes away"
 * for this cluster's database only (its connections terminated, new ones refused with
 * ALLOW_CONNECTIONS false), and the Redis outage uses a redis-server of this spec's own, on a free
 * port, killed and started again.
 *
 * Run: npm run build && npx jest --selectProjects cluster --coverage=false test/cluster/outages
 */

jest.setTimeout(90_000);

const PG_ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Message = { id: string; seq: number; msg: string; username: string; clientId?: string };
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

const alive = (node: Node): boolean => node.process.exitCode === null && node.process.signalCode === null;

/** How a node died, from its exit and the first error line it printed that is not a JSON log line; undefined while alive. */
const deathOf = (node: Node): string | undefined => {
  if (alive(node)) return undefined;
  const line = node
    .output()
    .split('\n')
    .find((l) => /^\s*[A-Za-z]*Error\b/.test(l));
  return `${node.name} exited (code ${node.process.exitCode}, signal ${node.process.signalCode}): ${line?.trim() ?? '(nothing printed)'}`;
};

/**
 * Sends with `clientId` until accepted, as a client retrying after `unavailable` would; resolves with the accepted answer.
 * `internal` and a missing answer are retried too, any other refusal ends the attempt.
 */
const sendUntilAccepted = async (
  socket: TestSocket,
  payload: Record<string, unknown>,
  timeoutMs: number,
): Promise<{ message: Message; refusals: string[] }> => {
  const refusals: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ack = await socket
      .ask<Ack>('message', payload)
      .catch((error: Error) => ({ ok: false as const, error: { code: 'no answer', message: error.message } }));
    if (ack.ok) return { message: ack.message, refusals };
    refusals.push(ack.error.code);
    if (!['unavailable', 'internal', 'no answer'].includes(ack.error.code))
      throw new Error(`refused with ${ack.error.code}: ${ack.error.message} (after ${refusals.join(', ')})`);
    if (Date.now() > deadline) throw new Error(`still refused after ${timeoutMs} ms: ${refusals.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** How many times a node logged that its heartbeat (Redis) failed: one a second while Redis is gone. */
const heartbeatFailures = (node: Node): number => node.output().split('heartbeat failed').length - 1;

/** The error lines a node logged (level 50 or more), shortened: what to look at when a command answered `internal`. */
const errorsOf = (node: Node): string[] =>
  node
    .output()
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line))
    .map((line) => {
      const parsed = JSON.parse(line) as { msg?: string; code?: string; err?: { type?: string; message?: string; code?: string } };
      return `${parsed.msg ?? ''}: ${parsed.err?.type ?? ''} ${parsed.err?.code ?? ''} ${parsed.err?.message ?? ''}`.slice(0, 300);
    });

describe('PostgreSQL going away', () => {
  let cluster: Cluster;
  let a: Node;
  let b: Node;
  let alice: TestSocket;
  let bob: TestSocket;
  const admin = new Client({ connectionString: PG_ADMIN });

  const restore = (): Promise<unknown> => admin.query(`ALTER DATABASE ${cluster.database} WITH ALLOW_CONNECTIONS true`);

  beforeAll(async () => {
    await admin.connect();
    cluster = await Cluster.create();
    [a, b] = (await cluster.start(2)) as [Node, Node];
    alice = await a.connect();
    bob = await b.connect();
    await alice.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'General' });
    await expect(alice.ask('message', { room: 'General', msg: 'before the outage', clientId: 'pg-1' })).resolves.toMatchObject({
      ok: true,
    });
    await bob.next('message', (m) => m.clientId === 'pg-1');
    // The outage, for this cluster's database only: every connection cut, new ones refused.
    await admin.query(`ALTER DATABASE ${cluster.database} WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      cluster.database,
    ]);
  });

  afterAll(async () => {
    await restore().catch(() => undefined);
    await admin.end();
    await cluster?.stop();
  });

  it('fails commands fast with unavailable while it is gone', async () => {
    for (const [socket, clientId] of [
      [alice, 'pg-2'],
      [bob, 'pg-3'],
      [alice, 'pg-2'],
    ] as const) {
      const started = Date.now();
      const answer = await socket.ask('message', { room: 'General', msg: `during the outage ${clientId}`, clientId });
      expect(Date.now() - started).toBeLessThan(5000);
      expect({ answer, logged: errorsOf(a).concat(errorsOf(b)) }).toEqual({
        answer: { ok: false, error: { code: 'unavailable', message: expect.any(String) } },
        logged: [],
      });
    }
  });

  it('turns /ready 503 on every node while /health stays 200, and crashes nothing', async () => {
    // A newcomer needs a guest session stored: refused at the handshake with `unavailable`, not left hanging.
    await expect(a.connect()).rejects.toThrow('unavailable');
    for (const node of [a, b]) {
      await eventually(async () => (await node.get('/ready')).status === 503, 10_000);
      await expect(node.get('/health')).resolves.toMatchObject({ status: 200 });
    }
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
    expect(alice.raw.connected && bob.raw.connected).toBe(true);
  });

  it('resumes by itself once it is back: the retried message goes through once and reaches the other node', async () => {
    await restore();
    const { message } = await sendUntilAccepted(alice, { room: 'General', msg: 'during the outage pg-2', clientId: 'pg-2' }, 20_000);
    expect(message).toMatchObject({ seq: 2, msg: 'during the outage pg-2' });
    await expect(bob.next('message', (m) => m.clientId === 'pg-2', 10_000)).resolves.toEqual({ ...message, cursor: expect.any(Number) });
    for (const node of [a, b]) await eventually(async () => (await node.get('/ready')).status === 200, 10_000);
    await expect(bob.ask('message', { room: 'General', msg: 'after the outage', clientId: 'pg-4' })).resolves.toMatchObject({
      ok: true,
      message: { seq: 3 },
    });
    await expect(alice.next('message', (m) => m.clientId === 'pg-4', 10_000)).resolves.toMatchObject({ seq: 3 });
    // Each node's read model follows the log (LISTEN/NOTIFY and polling): both converge on the same history, each message once.
    for (const node of [a, b]) {
      await eventually(
        async () => (await node.get<{ messages: Message[] }>('/api/rooms/General/messages')).body.messages.length >= 3,
        10_000,
      );
      const history = await node.get<{ messages: Message[] }>('/api/rooms/General/messages');
      expect(history.body.messages.map((m) => [m.seq, m.clientId])).toEqual([
        [3, 'pg-4'],
        [2, 'pg-2'],
        [1, 'pg-1'],
      ]);
    }
    expect(alive(a) && alive(b)).toBe(true);
  });
});

describe('Redis going away', () => {
  let cluster: Cluster;
  let a: Node;
  let b: Node;
  let alice: TestSocket;
  let bob: TestSocket;
  let redis: OwnRedis;

  /** Resolves once both nodes' heartbeat keys in Redis have taken `count` new values each (a heartbeat a second). */
  const heartbeatsInRedis = async (count: number): Promise<void> => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const seen = new Map<string, Set<string>>();
    try {
      await eventually(async () => {
        for (const key of await client.keys(`${cluster.name}:node:*`)) {
          const value = await client.get(key);
          if (value !== null) seen.set(key, (seen.get(key) ?? new Set()).add(value));
        }
        return seen.size >= 2 && [...seen.values()].every((values) => values.size >= count);
      }, 15_000);
    } finally {
      client.disconnect();
    }
  };

  beforeAll(async () => {
    redis = await OwnRedis.create();
    await redis.start();
    cluster = await Cluster.create({ REDIS_URL: redis.url });
    [a, b] = (await cluster.start(2)) as [Node, Node];
    alice = await a.connect();
    bob = await b.connect();
    await alice.ask('join', { room: 'General' });
    await bob.ask('join', { room: 'General' });
    await expect(alice.ask('message', { room: 'General', msg: 'before the outage', clientId: 'r-1' })).resolves.toMatchObject({ ok: true });
    await bob.next('message', (m) => m.clientId === 'r-1');
    await redis.kill();
  });

  afterAll(async () => {
    try {
      await cluster?.stop();
    } finally {
      await redis?.kill();
    }
  });

  /** Whether the message sent during the outage was accepted (rate limits are then kept per node). */
  let acceptedDuring = false;

  it('answers commands fast while it is gone: accepted, or refused with unavailable, never internal', async () => {
    const started = Date.now();
    const during = await alice.ask<Ack>('message', { room: 'General', msg: 'during the outage', clientId: 'r-2' });
    acceptedDuring = during.ok;
    expect(Date.now() - started).toBeLessThan(5000);
    // Whatever /ready says at this moment, commands must be answered sensibly.
    const ready = await a.get('/ready');
    expect({ code: during.ok ? 'accepted' : during.error.code, ready: ready.status, logged: errorsOf(a) }).toEqual({
      code: expect.stringMatching(/^(accepted|unavailable)$/),
      ready: expect.any(Number),
      logged: [],
    });
  });

  it('crashes nothing while it is gone, even past the node timeout', async () => {
    // Outlive NODE_TIMEOUT_MS (3 s in the cluster specs): four failed heartbeats (one a second) on each node.
    await eventually(async () => Promise.resolve([a, b].every((node) => !alive(node) || heartbeatFailures(node) >= 4)), 20_000);
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
    expect(alice.raw.connected && bob.raw.connected).toBe(true);
  });

  it('carries messages across nodes again once it is back, and takes no one for dead', async () => {
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
    await redis.start();
    const { message } = await sendUntilAccepted(alice, { room: 'General', msg: 'after the outage', clientId: 'r-3' }, 20_000);
    expect(message.seq).toBe(acceptedDuring ? 3 : 2);
    // Cross-node delivery goes on once the nodes' connections are back: probes from alice until bob gets one live.
    const deadline = Date.now() + 15_000;
    for (let k = 0; ; k++) {
      const probe = await sendUntilAccepted(alice, { room: 'General', msg: `probe ${k}`, clientId: `probe-${k}` }, 5000);
      const delivered = await bob
        .next('message', (m) => m.id === probe.message.id, 1000)
        .then(
          () => true,
          () => false,
        );
      if (delivered) break;
      if (Date.now() > deadline) throw new Error('no cross-node delivery 15 s after Redis came back');
    }
    await expect(bob.ask('message', { room: 'General', msg: 'and back', clientId: 'r-4' })).resolves.toEqual({
      ok: true,
      message: expect.anything(),
    });
    await expect(alice.next('message', (m) => m.clientId === 'r-4', 10_000)).resolves.toMatchObject({ msg: 'and back' });
    // What bob missed live, he gets by rejoining with `since` (the README's recovery): everything after seq 1, in order.
    await bob.next('history'); // the one from joining before the outage
    await bob.ask('join', { room: 'General', since: 1 });
    const caughtUp = await bob.next<{ messages: Message[] }>('history', undefined, 5000);
    expect(caughtUp.messages.map((m) => m.seq)).toEqual(caughtUp.messages.map((_, i) => i + 2));
    expect(caughtUp.messages[acceptedDuring ? 1 : 0]).toEqual(message);
    // Three heartbeats (each followed by a sweep) of both nodes after Redis came back: any reaping has happened by then,
    // and its leave too (PRESENCE_GRACE_MS is 500 ms); both users must still be online and members, on both nodes.
    await heartbeatsInRedis(3);
    for (const node of [a, b]) {
      const users = await node.get<{ users: { username: string; rooms: string[] }[] }>('/api/users');
      expect(users.body.users).toEqual(
        expect.arrayContaining([
          { username: alice.username, rooms: ['General'] },
          { username: bob.username, rooms: ['General'] },
        ]),
      );
      await expect(node.get('/ready')).resolves.toMatchObject({ status: 200 });
    }
    expect([...alice.received('status'), ...bob.received('status')].filter((s) => (s as { type: string }).type === 'leave')).toEqual([]);
    expect(alive(a) && alive(b)).toBe(true);
  });

  it('takes no one for dead when Redis loses its data (restart without persistence, failover, eviction)', async () => {
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
    const carol = await a.connect();
    const dave = await b.connect();
    await carol.ask('join', { room: 'Code with Josh' });
    await dave.ask('join', { room: 'Code with Josh' });
    const online = async (node: Node, username: string): Promise<boolean> =>
      (await node.get<{ users: { username: string; rooms: string[] }[] }>('/api/users')).body.users.some(
        (u) => u.username === username && u.rooms.includes('Code with Josh'),
      );
    for (const node of [a, b])
      await eventually(async () => (await online(node, carol.username)) && (await online(node, dave.username)), 10_000);

    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    await heartbeatsInRedis(3);
    for (const node of [a, b]) {
      expect({ node: node.name, carol: await online(node, carol.username), dave: await online(node, dave.username) }).toEqual({
        node: node.name,
        carol: true,
        dave: true,
      });
    }
    expect([...carol.received('status'), ...dave.received('status')].filter((s) => (s as { type: string }).type === 'leave')).toEqual([]);
    await expect(carol.ask('message', { room: 'Code with Josh', msg: 'still here' })).resolves.toMatchObject({ ok: true });
    await expect(dave.ask('message', { room: 'Code with Josh', msg: 'me too' })).resolves.toMatchObject({ ok: true });
  });

  it('crashes nothing when pushes go out while it is gone (a newcomer, a tab closing)', async () => {
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
    await redis.kill();
    const failuresBefore = [a, b].map(heartbeatFailures);
    // Accepted (observed): the guest session and the connection are stored in PostgreSQL, then active_users is pushed.
    await a.connect();
    const tab = await b.connect({ token: bob.session.token });
    tab.close();
    // ioredis gives up on a queued command after 3 reconnection attempts, well before two more heartbeats have failed.
    await eventually(
      async () => Promise.resolve([a, b].every((node, i) => !alive(node) || heartbeatFailures(node) >= failuresBefore[i]! + 2)),
      20_000,
    );
    expect([deathOf(a), deathOf(b)]).toEqual([undefined, undefined]);
  });
});
