import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import { AppConfig } from '../../application/ports/app-config';
import { RoomsReadModel } from '../../application/read-models/rooms.read-model';
import { gatheredStatusPayload, socketRoom, statusPayload } from './client-payloads';

/** A large room's arrivals and departures within this window (at the least) go out as one line each. */
const MIN_WINDOW_MS = 50;
/** The window grows with the room (0.1 ms per member) up to 2 s, as the presence window does. */
const MAX_WINDOW_MS = 2000;
const WINDOW_MS_PER_MEMBER = 0.1;

type Move = 'join' | 'leave';
/** One member's moves within a window: the name last seen, the first move and the last. */
type Moves = { username: string; first: Move; last: Move };

/**
 * The seed's join and leave lines (`status {msg, type: 'join'|'leave'}`). In a room of up to
 * `LARGE_ROOM_MEMBERS` members, one line per move, at once. In a larger one a line per arrival would
 * cost members × arrivals frames (5,000 arrivals in a room of 5,000: 12.5 million), so the moves of a
 * window are gathered: "Ann, Bob, Cy and 40 others have joined the room." A member who came and went
 * within the window nets out.
 */
@Injectable()
export class RoomNotices implements OnApplicationShutdown {
  private server: Server | undefined;
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; moves: Map<string, Moves>; timestamp: string }>();

  constructor(
    private readonly config: AppConfig,
    private readonly rooms: RoomsReadModel,
  ) {}

  attach(server: Server): void {
    this.server = server;
  }

  /** `userId` (now named `username`) joined or left `room` at `timestamp`; the read model has applied it. */
  moved(room: string, userId: string, username: string, move: Move, timestamp: string): void {
    const window = this.pending.get(room);
    if (window !== undefined) {
      const moves = window.moves.get(userId);
      if (moves === undefined) window.moves.set(userId, { username, first: move, last: move });
      else {
        moves.username = username;
        moves.last = move;
      }
      window.timestamp = timestamp;
      return;
    }
    const members = this.rooms.memberCount(room);
    if (members + (move === 'leave' ? 1 : 0) <= this.config.largeRoomMembers) {
      this.server?.to(socketRoom(room)).emit('status', statusPayload(username, move, room, timestamp));
      return;
    }
    const windowMs = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, members * WINDOW_MS_PER_MEMBER));
    const timer = setTimeout(() => this.flush(room), windowMs);
    this.pending.set(room, { timer, moves: new Map([[userId, { username, first: move, last: move }]]), timestamp });
  }

  private flush(room: string): void {
    const window = this.pending.get(room);
    this.pending.delete(room);
    if (window === undefined || this.server === undefined) return;
    const names: Record<Move, string[]> = { join: [], leave: [] };
    // Joined and left (or left and came back) within the window: nothing to tell.
    for (const { username, first, last } of window.moves.values()) if (first === last) names[last].push(username);
    const to = this.server.to(socketRoom(room));
    for (const move of ['leave', 'join'] as const) {
      const [only, ...others] = names[move];
      if (only === undefined) continue;
      if (others.length === 0) to.emit('status', statusPayload(only, move, room, window.timestamp));
      else to.emit('status', gatheredStatusPayload(names[move], move, room, window.timestamp));
    }
  }

  onApplicationShutdown(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
