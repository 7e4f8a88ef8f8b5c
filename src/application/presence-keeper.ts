import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../domain/presence/presence.decider';
import { DomainError } from '../domain/shared/domain-error';
import type { CommandContext } from './context';
import { CommandExecutor } from './command-executor';
import { AppConfig } from './ports/app-config';
import { ConnectionRegistry } from './ports/connection-registry.port';
import { IdGenerator } from './ports/id-generator.port';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { UsersReadModel } from './read-models/users.read-model';
import { UserDirectory } from './user-directory';
import { LeaveRoomCommand } from './commands/leave-room.command';

/**
 * A process manager driven by timers, not a command handler: when a user's last connection closes,
 * it waits a grace period (a page reload reconnects within it), then, unless the `ConnectionRegistry`
 * knows a connection of theirs on any node, marks them offline and takes them out of their rooms,
 * announced.
 */
@Injectable()
export class PresenceKeeper implements OnApplicationShutdown {
  private readonly logger = new Logger(PresenceKeeper.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly connections: ConnectionRegistry,
    private readonly commandBus: CommandBus,
    private readonly users: UsersReadModel,
    private readonly directory: UserDirectory,
    private readonly rooms: RoomsReadModel,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  /**
   * Starts the grace period of online users left with no connection on any node (their node died, or
   * this one restarted: its registry starts empty), and takes offline users out of the rooms they still
   * hold. While the registry cannot tell who is connected, it starts none.
   */
  async repair(): Promise<void> {
    const context = { correlationId: this.ids.id() };
    const waiting = this.users
      .onlineUsers()
      .map((user) => user.userId)
      .filter((userId) => !this.timers.has(userId));
    const connected = waiting.length === 0 ? new Set<string>() : await this.connections.connected(waiting);
    if (connected !== undefined) for (const userId of waiting) if (!connected.has(userId)) this.scheduleExpiry(userId);
    // Offline users hold no room: repairs a node that died between taking a user offline and out of their rooms.
    for (const { room, userId } of [...this.rooms.memberships()]) {
      if (!this.users.isOnline(userId) && !this.timers.has(userId)) await this.leave(userId, room, context);
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** The user connected again: no grace period runs for them. */
  cancelExpiry(userId: string): void {
    const timer = this.timers.get(userId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(userId);
  }

  /** The node that held the user's connections died: the grace period starts, unless it runs already. */
  startGracePeriod(userId: string): void {
    if (!this.timers.has(userId)) this.scheduleExpiry(userId);
  }

  /** The user's last connection closed: unless they come back within the grace period, they go offline. */
  scheduleExpiry(userId: string): void {
    if (this.stopped) return;
    this.cancelExpiry(userId);
    const timer = setTimeout(() => {
      this.timers.delete(userId);
      this.expire(userId).catch((error: unknown) => this.logger.error({ err: error, userId }, 'presence expiry failed'));
    }, this.config.presenceGraceMs);
    timer.unref();
    this.timers.set(userId, timer);
  }

  /**
   * Offline unless the registry knows a connection of the user anywhere, then out of the rooms. Another
   * node may register a connection of theirs while this one decides (it registers before it sends
   * `GoOnline`, which finds them online and does nothing): so the registry is asked again after
   * `UserWentOffline`, and a connection found then brings the user back online at once.
   */
  private async expire(userId: string): Promise<void> {
    if (this.stopped) return;
    const context = { correlationId: this.ids.id() };
    if (await this.connectedOrUnsure(userId)) return;
    const wentOffline = await this.executor.execute(
      presenceStream(userId),
      presenceDecider,
      { type: 'GoOffline', data: { userId } },
      context,
    );
    const [offline] = wentOffline;
    if (offline?.type !== 'UserWentOffline') return;
    if (await this.connectedOrUnsure(userId)) {
      const username = (await this.directory.usernameOf(userId)) ?? offline.data.username;
      await this.executor.execute(presenceStream(userId), presenceDecider, { type: 'GoOnline', data: { userId, username } }, context);
      return;
    }
    for (const room of this.rooms.roomsOf(userId)) await this.leave(userId, room, context);
  }

  /**
   * True when the user has a connection on some node. When the registry cannot tell (yet), or cannot be
   * reached, the grace period starts again: the user is taken for gone only once it can tell.
   */
  private async connectedOrUnsure(userId: string): Promise<boolean> {
    let connected: ReadonlySet<string> | undefined;
    try {
      connected = await this.connections.connected([userId]);
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'connection registry unavailable; grace period restarted');
    }
    if (connected === undefined) {
      this.scheduleExpiry(userId);
      return true;
    }
    return connected.has(userId);
  }

  private async leave(userId: string, room: string, context: CommandContext): Promise<void> {
    try {
      const username = await this.directory.usernameOf(userId);
      await this.commandBus.execute(
        new LeaveRoomCommand({ userId, ...(username !== undefined ? { username } : {}) }, room, context, 'disconnected'),
      );
    } catch (error) {
      // Another node took them out first.
      if (!(error instanceof DomainError && error.code === 'not_a_member')) throw error;
    }
  }
}
