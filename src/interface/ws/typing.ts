import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import { AppConfig } from '../../application/ports/app-config';
import { socketRoom, userRoom } from './client-payloads';

/** A typing indicator lasts this long unless refreshed. */
export const TYPING_TTL_MS = 5000;
const CLUSTER_EVENT = 'chat:typing';

type Change = { room: string; userId: string; username: string; typing: boolean };

/**
 * Who is typing in which room: ephemeral, never stored. The node a user types on keeps the timer
 * and tells the room; in a cluster it also tells the other nodes, so every node knows the whole set.
 */
@Injectable()
export class TypingTracker implements OnApplicationShutdown {
  private server: Server | undefined;
  private readonly typing = new Map<string, Map<string, string>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly config: AppConfig) {}

  attach(server: Server): void {
    this.server = server;
    if (this.config.redisUrl !== undefined) {
      server.on(CLUSTER_EVENT, (change: Change) => this.record(change));
    }
  }

  /** `userId` started or stopped typing in `room`; returns false when nothing changed. */
  set(room: string, userId: string, username: string, typing: boolean): boolean {
    const key = `${room}\u0000${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (typing) {
      const timer = setTimeout(() => this.set(room, userId, username, false), TYPING_TTL_MS);
      timer.unref();
      this.timers.set(key, timer);
    }
    const change = { room, userId, username, typing };
    if (!this.record(change)) return false;
    if (this.config.redisUrl !== undefined) this.server?.serverSideEmit(CLUSTER_EVENT, change);
    this.server
      ?.to(socketRoom(room))
      .except(userRoom(userId))
      .emit('typing', { room, users: this.users(room) });
    return true;
  }

  /** Typing in a private conversation: the other side gets `typing {from, typing}`, also when it expires. */
  setPrivate(toUserId: string, userId: string, username: string, typing: boolean): void {
    const key = `@${toUserId}\u0000${userId}`;
    const wasTyping = this.timers.has(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (typing) {
      const timer = setTimeout(() => this.setPrivate(toUserId, userId, username, false), TYPING_TTL_MS);
      timer.unref();
      this.timers.set(key, timer);
    }
    if (typing !== wasTyping) this.server?.to(userRoom(toUserId)).emit('typing', { from: username, typing });
  }

  /** Sending or leaving ends typing. */
  stop(room: string, userId: string): void {
    const username = this.typing.get(room)?.get(userId);
    if (username !== undefined) this.set(room, userId, username, false);
  }

  users(room: string): string[] {
    return [...(this.typing.get(room)?.values() ?? [])];
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private record({ room, userId, username, typing }: Change): boolean {
    let users = this.typing.get(room);
    if (typing) {
      if (users === undefined) this.typing.set(room, (users = new Map()));
      if (users.get(userId) === username) return false;
      users.set(userId, username);
      return true;
    }
    if (users?.delete(userId) !== true) return false;
    if (users.size === 0) this.typing.delete(room);
    return true;
  }
}
