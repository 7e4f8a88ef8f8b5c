import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { TurnWrites } from './turn-writes';

/** TurnWrites on a real Socket.IO server and real clients: held frames all arrive, in order, whatever the turn does next. */
describe('TurnWrites', () => {
  let http: HttpServer;
  let server: Server;
  let url: string;
  const clients: Socket[] = [];

  beforeEach(async () => {
    http = createServer();
    server = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A client over the given transport, connected and in `room` on the server. */
  const member = async (
    room: string,
    transports: string[] = ['websocket'],
  ): Promise<{ client: Socket; socket: ServerSocket; got: string[] }> => {
    const joined = new Promise<ServerSocket>((resolve) => server.once('connection', resolve));
    const client = connect(url, { transports, forceNew: true, reconnection: false });
    clients.push(client);
    const got: string[] = [];
    client.on('m', (text: string) => got.push(text));
    const socket = await joined;
    await socket.join(room);
    return { client, socket, got };
  };

  const received = (got: string[], count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => (got.length >= count ? resolve() : void setImmediate(check));
      check();
    });

  it('sends what a turn wrote to a held room, in order, to websocket and polling clients alike', async () => {
    const a = await member('r');
    const b = await member('r', ['polling']);
    const writes = new TurnWrites();
    for (let i = 0; i < 5; i++) {
      writes.hold(server, 'r');
      server.to('r').emit('m', `m${i}`);
    }
    a.socket.emit('m', 'only a');
    await Promise.all([received(a.got, 6), received(b.got, 5)]);
    expect(a.got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'only a']);
    expect(b.got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('delivers the held frames before a disconnect made in the same turn', async () => {
    const a = await member('r');
    const closed = new Promise<string>((resolve) => a.client.on('disconnect', resolve));
    const writes = new TurnWrites();
    writes.hold(server, 'r');
    server.to('r').emit('m', 'last words');
    a.socket.disconnect(true);
    await closed;
    expect(a.got).toEqual(['last words']);
  });

  it('is harmless for a room with no one in it and a client gone before the turn ends', async () => {
    const a = await member('r');
    const b = await member('r');
    const writes = new TurnWrites();
    writes.hold(server, 'nobody');
    writes.hold(server, 'r');
    server.to('r').emit('m', 'to both');
    b.socket.conn.close();
    await received(a.got, 1);
    expect(a.got).toEqual(['to both']);
    // The next turn's writes go out at once again.
    server.to('r').emit('m', 'after');
    await received(a.got, 2);
    expect(a.got).toEqual(['to both', 'after']);
  });
});
