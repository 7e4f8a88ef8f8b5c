import type { TestSocket } from '../support/socket';
import { Cluster, type Node } from './support/cluster';
import { OwnRedis } from './support/redis-server';

/**
 * Redis blinks (killed, started again empty 3 s later) while messages flow between two nodes: every
 * client connected to a live node still receives every accepted message exactly once, in order,
 * without reconnecting. The Socket.IO adapter carries pushes through a Redis stream, which each node
 * reads from its last offset, and queues what it sends while Redis is away.
 *
 * Run: npm run build && npx jest --selectProjects cluster --coverage=false test/cluster/redis-blink
 */

jest.setTimeout(90_000);

type Message = { id: string; seq: number; msg: string; clientId?: string };
type Ack = { ok: true; message: Message } | { ok: false; error: { code: string; message: string } };

const OUTAGE_MS = 3000;

describe('Redis blinking while messages flow', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    redis = await OwnRedis.create();
    await redis.start();
    cluster = await Cluster.create({ REDIS_URL: redis.url });
    [a, b] = (await cluster.start(2)) as [Node, Node];
  });

  afterAll(async () => {
    try {
      await cluster?.stop();
    } finally {
      await redis?.kill();
    }
  });

  it('delivers every accepted message exactly once to every connected client, on both nodes', async () => {
    const room = 'General';
    const alice = await a.connect();
    const carol = await a.connect();
    const bob = await b.connect();
    const dave = await b.connect();
    const readers: TestSocket[] = [carol, bob, dave];
    for (const socket of [alice, ...readers]) await socket.ask('join', { room });

    const accepted: Message[] = [];
    let sent = 0;
    /** One message from alice, awaited: accepted, or refused with `unavailable` (then it is not stored). */
    const send = async (): Promise<void> => {
      const clientId = `flow-${sent++}`;
      const ack = await alice.ask<Ack>('message', { room, msg: `flow ${clientId}`, clientId });
      if (ack.ok) accepted.push(ack.message);
      else expect(ack.error.code).toBe('unavailable');
    };

    for (let i = 0; i < 20; i++) await send();
    await redis.kill();
    const back = Date.now() + OUTAGE_MS;
    // Messages keep flowing while Redis is away, one after another.
    while (Date.now() < back) await send();
    await redis.start();
    for (let i = 0; i < 20; i++) await send();

    const last = accepted[accepted.length - 1]!;
    for (const reader of readers) await reader.next<Message>('message', (m) => m.id === last.id, 20_000);
    for (const reader of readers) {
      expect({ reader: reader.username, ids: reader.received('message').map((m) => (m as Message).id) }).toEqual({
        reader: reader.username,
        ids: accepted.map((m) => m.id),
      });
      expect(reader.raw.connected).toBe(true);
    }
    // Some went out while Redis was away, or the spec would prove nothing.
    expect(accepted.length).toBeGreaterThan(40);
  });
});
