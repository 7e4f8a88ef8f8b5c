import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import { AppConfig } from '../../application/ports/app-config';
import { RoomsReadModel } from '../../application/read-models/rooms.read-model';
import { PushWindow } from './push-window';
import { TurnWrites } from './turn-writes';
import { gatheredStatusPayload, socketRoom, statusPayload } from './client-payloads';

type Move = 'join' | 'leave';
/** One member's moves within a window: the name last seen, the first move and the last. */
type Moves = { username: string; first: Move; last: Move };

/**
 * The seed's join and leave lines (`status {msg, type: 'join'|'leave'}`). In a room of up to
 * `LARGE_ROOM_MEMBERS` members, one line per move, at once. In a larger one a line per arrival would
 * cost members × arrivals frames (5,000 arrivals in a room of 5,000: 12.5 million), so the moves of a
 * window are gathered: "Ann, Bob, Cy and 40 others have joined the room." A member who came and went
 * within the window nets out. One window for every room, the node's `PushWindow` (the one presence
 * uses too), as long as `pushWindowMs` of the sockets connected to this node.
 *
 * A line goes out held (`TurnWrites`): the lines of a batch of moves to a small room leave as one
 * write per member, and a window's lines leave with whatever else the window pushes to the member.
 */
@Injectable()
export class RoomNotices implements OnApplicationShutdown {
  private server: Server | undefined;
  /** Each large room with moves in the current window: the moves by user id, and the time of the last. */
  private readonly pending = new Map<string, { moves: Map<string, Moves>; timestamp: string }>();

  constructor(
    private readonly config: AppConfig,
    private readonly rooms: RoomsReadModel,
    private readonly window: PushWindow,
    private readonly writes: TurnWrites,
  ) {}

  attach(server: Server): void {
    this.server = server;
  }

  /** `userId` (now named `username`) joined or left `room` at `timestamp`; the read model has applied it. */
  moved(room: string, userId: string, username: string, move: Move, timestamp: string): void {
    let window = this.pending.get(room);
    if (window === undefined) {
      const members = this.rooms.memberCount(room) + (move === 'leave' ? 1 : 0);
      if (members <= this.config.largeRoomMembers) {
        this.tell(room, statusPayload(username, move, room, timestamp));
        return;
      }
      this.pending.set(room, (window = { moves: new Map(), timestamp }));
      this.window.schedule(this.flush, (this.server?.engine as Partial<Server['engine']> | undefined)?.clientsCount ?? 0);
    }
    const moves = window.moves.get(userId);
    if (moves === undefined) window.moves.set(userId, { username, first: move, last: move });
    else {
      moves.username = username;
      moves.last = move;
    }
    window.timestamp = timestamp;
  }

  private tell(room: string, line: Record<string, unknown>): void {
    const server = this.server;
    if (server === undefined) return;
    this.writes.hold(server, socketRoom(room));
    server.to(socketRoom(room)).emit('status', line);
  }

  private readonly flush = (): void => {
    for (const [room, window] of this.pending) {
      const names: Record<Move, string[]> = { join: [], leave: [] };
      // Joined and left (or left and came back) within the window: nothing to tell.
      for (const { username, first, last } of window.moves.values()) if (first === last) names[last].push(username);
      for (const move of ['leave', 'join'] as const) {
        const [only, ...others] = names[move];
        if (only === undefined) continue;
        if (others.length === 0) this.tell(room, statusPayload(only, move, room, window.timestamp));
        else this.tell(room, gatheredStatusPayload(names[move], move, room, window.timestamp));
      }
    }
    this.pending.clear();
  };

  onApplicationShutdown(): void {
    this.pending.clear();
  }
}
