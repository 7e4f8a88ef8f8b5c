import type { TestSocket } from '../support/socket';
import { Cluster, eventually, type Node } from './support/cluster';

jest.setTimeout(60_000);

type Ack = { ok: boolean; error?: { code: string } } & Record<string, unknown>;

/** Registers `name` on `node` (a guest first, as the page does) and connects there with the account's cookie. */
const withAccount = async (node: Node, name: string): Promise<TestSocket> => {
  const headers = { origin: node.url, 'content-type': 'application/json' };
  const guest = await fetch(`${node.url}/api/session`, { method: 'POST', headers });
  const cookie = guest.headers.get('set-cookie')!.split(';')[0]!;
  const registered = await fetch(`${node.url}/api/auth/register`, {
    method: 'POST',
    headers: { ...headers, cookie },
    body: JSON.stringify({ username: name, password: `${name}-password-123` }),
  });
  if (registered.status !== 201) throw new Error(`register ${name}: ${registered.status}`);
  return node.connect({ cookie });
};

describe('rooms people create, across nodes', () => {
  let cluster: Cluster;
  let a: Node;
  let b: Node;
  let c: Node;

  beforeAll(async () => {
    cluster = await Cluster.create();
    [a, b, c] = (await cluster.start(3)) as [Node, Node, Node];
  });

  afterAll(async () => {
    await cluster.stop();
  });

  it('a room made on one node is listed and joined on the others, and its moderation reaches members on every node', async () => {
    const owner = await withAccount(a, 'olga');
    const member = await withAccount(b, 'max');
    const watcher = await c.connect();
    await expect(owner.ask('create_room', { name: 'Cluster club', visibility: 'public' })).resolves.toMatchObject({ ok: true });
    await eventually(async () =>
      (await c.get<{ rooms: { name: string }[] }>('/api/rooms')).body.rooms.some((room) => room.name === 'Cluster club'),
    );
    for (const socket of [owner, member, watcher])
      await expect(socket.ask('join', { room: 'Cluster club' })).resolves.toMatchObject({ ok: true });

    // Kicked on node a: the member's socket on node b leaves the room, and everyone on every node is told.
    const told = member.next<{ joined: boolean; reason: string }>('membership', (m) => !m.joined);
    const line = watcher.next<{ type: string; username: string }>('status', (s) => s.type === 'kick');
    await expect(owner.ask('kick', { room: 'Cluster club', user: 'max' })).resolves.toMatchObject({ ok: true, changed: true });
    expect(await told).toMatchObject({ reason: 'kicked' });
    expect(await line).toMatchObject({ username: 'max' });
    await owner.ask('message', { room: 'Cluster club', msg: 'after the kick' });
    await watcher.next('message', (m: { msg: string }) => m.msg === 'after the kick');
    expect(member.received('message').some((m) => (m as { msg: string }).msg === 'after the kick')).toBe(false);

    // Banned on node a: no join on node c, whichever node decides.
    await owner.ask('ban', { room: 'Cluster club', user: 'max' });
    const onC = await c.connect({ token: member.session.token });
    expect(((await onC.ask<Ack>('join', { room: 'Cluster club' })).error ?? { code: 'ok' }).code).toBe('banned');
    expect(((await member.ask<Ack>('join', { room: 'Cluster club' })).error ?? { code: 'ok' }).code).toBe('banned');
  });
});
