import type { Server } from 'socket.io';
import type { AppConfig } from '../../application/ports/app-config';
import type { RoomsReadModel } from '../../application/read-models/rooms.read-model';
import { RoomNotices } from './room-notices';
import { PushWindow } from './push-window';
import type { TurnWrites } from './turn-writes';

describe('RoomNotices', () => {
  let members: number;
  let sockets: number;
  let notices: RoomNotices;
  let window: PushWindow;
  let held: string[];
  let lines: { room: string; payload: Record<string, unknown> }[];
  const at = new Date(0).toISOString();

  beforeEach(() => {
    jest.useFakeTimers();
    members = 0;
    sockets = 0;
    lines = [];
    held = [];
    const rooms = { memberCount: () => members } as unknown as RoomsReadModel;
    const writes = { hold: (_server: Server, room: string) => held.push(room) } as unknown as TurnWrites;
    window = new PushWindow();
    notices = new RoomNotices({ largeRoomMembers: 3 } as AppConfig, rooms, window, writes);
    const server = {
      engine: {
        get clientsCount() {
          return sockets;
        },
      },
      to: (room: string) => ({ emit: (_event: string, payload: Record<string, unknown>) => lines.push({ room, payload }) }),
    } as unknown as Server;
    notices.attach(server);
  });

  afterEach(() => {
    notices.onApplicationShutdown();
    window.onApplicationShutdown();
    jest.useRealTimers();
  });

  const join = (userId: string): void => {
    members++;
    notices.moved('General', userId, `Name-${userId}`, 'join', at);
  };
  const leave = (userId: string): void => {
    members--;
    notices.moved('General', userId, `Name-${userId}`, 'leave', at);
  };
  const msgs = (): unknown[] => lines.map((line) => line.payload.msg);

  it('tells every move at once while the room has at most LARGE_ROOM_MEMBERS members', () => {
    join('a');
    join('b');
    join('c');
    leave('c');
    expect(msgs()).toEqual([
      'Name-a has joined the room.',
      'Name-b has joined the room.',
      'Name-c has joined the room.',
      'Name-c has left the room.',
    ]);
    expect(lines.every((line) => line.room === 'room:General')).toBe(true);
    // Each line is held, so the lines of one batch of moves leave as one write per member.
    expect(held).toEqual(['room:General', 'room:General', 'room:General', 'room:General']);
  });

  it('gathers the moves of a larger room within a window into one line of joins and one of leaves', () => {
    for (const id of ['a', 'b', 'c']) join(id);
    lines = [];
    for (const id of ['d', 'e', 'f', 'g', 'h']) join(id);
    leave('a');
    leave('b');
    expect(lines).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(lines.map((line) => line.payload)).toEqual([
      {
        msg: 'Name-a and Name-b have left the room.',
        type: 'leave',
        timestamp: at,
        room: 'General',
        users: ['Name-a', 'Name-b'],
        count: 2,
      },
      {
        msg: 'Name-d, Name-e, Name-f and 2 others have joined the room.',
        type: 'join',
        timestamp: at,
        room: 'General',
        users: ['Name-d', 'Name-e', 'Name-f'],
        count: 5,
      },
    ]);
  });

  it('says nothing of a member who joined and left (or left and came back) within the window, and names a lone mover as usual', () => {
    members = 10;
    join('e');
    leave('e');
    leave('a');
    join('a');
    join('f');
    jest.advanceTimersByTime(50);
    expect(msgs()).toEqual(['Name-f has joined the room.']);
    expect(lines[0]?.payload).toMatchObject({ type: 'join', username: 'Name-f' });
  });

  it('gathers for longer while more sockets are connected: 0.4 ms per socket, up to 5 s', () => {
    members = 10;
    sockets = 2_500;
    join('a');
    join('b');
    jest.advanceTimersByTime(999);
    expect(lines).toEqual([]);
    jest.advanceTimersByTime(2);
    expect(msgs()).toEqual(['Name-a and Name-b have joined the room.']);

    lines = [];
    sockets = 1_000_000;
    join('c');
    jest.advanceTimersByTime(4999);
    expect(lines).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(msgs()).toEqual(['Name-c has joined the room.']);
  });

  it('shares one window among all large rooms, each told its own moves', () => {
    members = 10;
    join('a');
    notices.moved('The Nerd Nook', 'b', 'Name-b', 'join', at);
    notices.moved('The Nerd Nook', 'c', 'Name-c', 'join', at);
    jest.advanceTimersByTime(50);
    expect(lines.map((line) => [line.room, line.payload.msg])).toEqual([
      ['room:General', 'Name-a has joined the room.'],
      ['room:The Nerd Nook', 'Name-b and Name-c have joined the room.'],
    ]);
    expect(held).toEqual(['room:General', 'room:The Nerd Nook']);
  });
});
