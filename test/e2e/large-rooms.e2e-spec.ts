import { startApp, type TestApp } from '../support/test-app';
import type { TestSocket } from '../support/socket';

type Status = { msg: string; type: string; room: string; username?: string; users?: string[]; count?: number };

const ROOM = 'Code with Josh';

/** The `status` lines of `type` the watcher gets until they account for `expected` people; how many lines that took. */
const linesFor = async (watcher: TestSocket, type: string, expected: number): Promise<Status[]> => {
  const lines: Status[] = [];
  let told = 0;
  while (told < expected) {
    const line = await watcher.next<Status>('status', (s) => s.type === type && s.username !== watcher.username);
    lines.push(line);
    told += line.count ?? 1;
  }
  return lines;
};

describe('join and leave lines in a room larger than LARGE_ROOM_MEMBERS', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp({ LARGE_ROOM_MEMBERS: '3' });
  });

  afterAll(async () => {
    await server.close();
  });

  it('tells each of many arrivals at once in fewer lines, the first three named and all of them counted, then their departures the same way', async () => {
    const watcher = await server.connect();
    await watcher.ask('join', { room: ROOM });
    const crowd = await Promise.all(Array.from({ length: 20 }, () => server.connect()));
    await Promise.all(crowd.map((socket) => socket.ask('join', { room: ROOM })));

    const joins = await linesFor(watcher, 'join', 20);
    expect(joins.length).toBeLessThan(20);
    const gathered = joins.filter((line) => line.count !== undefined);
    expect(gathered.length).toBeGreaterThan(0);
    for (const line of gathered) {
      expect(line).toEqual({
        msg: expect.stringMatching(/ have joined the room\.$/),
        type: 'join',
        room: ROOM,
        timestamp: expect.any(String),
        users: expect.any(Array),
        count: expect.any(Number),
      });
      expect(line.users?.length).toBe(Math.min(3, line.count ?? 0));
      for (const name of line.users ?? []) expect(line.msg).toContain(name);
    }
    const named = joins.flatMap((line) => line.users ?? [line.username]);
    for (const name of named) expect(crowd.map((socket) => socket.username)).toContain(name);

    await Promise.all(crowd.map((socket) => socket.ask('leave', { room: ROOM })));
    const leaves = await linesFor(watcher, 'leave', 20);
    expect(leaves.length).toBeLessThan(20);
    const room = await server.http().get(`/api/rooms/${encodeURIComponent(ROOM)}`);
    expect(room.body.members).toEqual([watcher.username]);
  });

  it('still tells each arrival at once, by name, while the room is small', async () => {
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.ask('join', { room: 'The Nerd Nook' });
    await bob.ask('join', { room: 'The Nerd Nook' });
    await expect(alice.next<Status>('status', (s) => s.username === bob.username)).resolves.toEqual({
      msg: `${bob.username} has joined the room.`,
      type: 'join',
      room: 'The Nerd Nook',
      username: bob.username,
      timestamp: expect.any(String),
    });
  });
});
