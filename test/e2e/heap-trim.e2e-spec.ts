import { connect, type TestSocket } from '../support/socket';
import { eventually } from '../support/eventually';
import { removeDataDir, tempDataDir } from '../support/test-app';
import { killServers, spawnServer, type ServerProcess } from '../support/server-process';

// A Node process, a burst of 300 sockets and the quiet seconds after it, on a machine busy with other specs.
jest.setTimeout(90_000);

const trims = async (server: ServerProcess): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = /^chat_heap_trims_total (\d+)/m.exec(text);
  if (line === null) throw new Error('no chat_heap_trims_total in /metrics');
  return Number(line[1]);
};

const trimLines = (server: ServerProcess): Record<string, unknown>[] =>
  server
    .stdout()
    .split('\n')
    .filter((line) => line.includes('heap trimmed'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const ROOMS = ['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook'];

/**
 * 300 guests join the four rooms and say something long, then leave: a burst of garbage behind
 * them, the heap grown well past the spec's threshold of 4 MB.
 */
const burst = async (server: ServerProcess): Promise<void> => {
  const sockets: TestSocket[] = [];
  for (let k = 0; k < 300; k++) sockets.push(await connect(server.url, { auth: { presence: 'diff' } }));
  // In waves, so that on a machine shared with other specs no acknowledgement waits behind a fan-out of thousands.
  const inWaves = async (each: (socket: TestSocket, k: number) => Promise<unknown>): Promise<void> => {
    for (let from = 0; from < sockets.length; from += 25) {
      await Promise.all(sockets.slice(from, from + 25).map((socket, k) => each(socket, from + k)));
    }
  };
  await inWaves((socket, k) => socket.ask('join', { room: ROOMS[k % 4] }));
  await inWaves((socket, k) => socket.ask('message', { room: ROOMS[k % 4], msg: `${k}: ${'words '.repeat(300)}` }));
  for (const socket of sockets) socket.close();
};

describe('memory after a burst', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = tempDataDir()));
  afterEach(async () => {
    await killServers();
    removeDataDir(dataDir);
  });

  it('goes back to the system once the server is quiet, in one line, and the server serves on', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', HEAP_TRIM_MB: '4' });
    await server.ready();
    expect(await trims(server)).toBe(0);

    await burst(server);
    await eventually(async () => (await trims(server)) >= 1, 45_000, 200);
    // The line comes once the emptied pages have left the process, a second after the collection.
    await eventually(async () => trimLines(server).length >= 1, 5_000, 100);

    const [line] = trimLines(server);
    expect(line).toMatchObject({
      level: 30,
      heapMbBefore: expect.any(Number),
      heapMbAfter: expect.any(Number),
      rssMbBefore: expect.any(Number),
      rssMbAfter: expect.any(Number),
      pauseMs: expect.any(Number),
    });
    expect(line!.heapMbAfter as number).toBeLessThan(line!.heapMbBefore as number);
    const after = await connect(server.url);
    await after.ask('join', { room: 'General' });
    expect(await after.ask('message', { room: 'General', msg: 'still here' })).toMatchObject({ ok: true });
    after.close();
  });
});
