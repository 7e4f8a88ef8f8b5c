import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../domain/presence/presence.decider';
import { DomainError } from '../domain/shared/domain-error';
import type { CommandContext } from './context';
import { CommandExecutor } from './command-executor';
import { AppConfig } from './ports/app-config';
import { IdGenerator } from './ports/id-generator.port';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { UsersReadModel } from './read-models/users.read-model';
import { LeaveRoomCommand } from './commands/leave-room.command';

/**
 * A process manager driven by timers, not a command handler: when a user's last connection closes,
 * it waits a grace period (a page reload reconnects within it), then marks them offline and takes
 * them out of their rooms, announced.
 */
@Injectable()
export class PresenceKeeper implements OnApplicationShutdown {
  private readonly logger = new Logger(PresenceKeeper.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly commandBus: CommandBus,
    private readonly users: UsersReadModel,
    private readonly rooms: RoomsReadModel,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  /**
   * Starts the grace period of online users left with no connection (their node died, or this one
   * restarted), and takes offline users out of the rooms they still hold.
   */
  async repair(): Promise<void> {
    const context = { correlationId: this.ids.id() };
    for (const user of this.users.onlineUsers()) {
      if (user.connections.size === 0 && !this.timers.has(user.userId)) this.scheduleExpiry(user.userId);
    }
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

  /** Offline first (the presence stream decides whether the user came back), then out of the rooms. */
  private async expire(userId: string): Promise<void> {
    if (this.stopped) return;
    const context = { correlationId: this.ids.id() };
    const wentOffline = await this.executor.execute(
      presenceStream(userId),
      presenceDecider,
      { type: 'GoOffline', data: { userId } },
      context,
    );
    if (wentOffline.length === 0) return;
    for (const room of this.rooms.roomsOf(userId)) await this.leave(userId, room, context);
  }

  private async leave(userId: string, room: string, context: CommandContext): Promise<void> {
    try {
      const username = this.users.usernameOf(userId);
      await this.commandBus.execute(
        new LeaveRoomCommand({ userId, ...(username !== undefined ? { username } : {}) }, room, context, 'disconnected'),
      );
    } catch (error) {
      // Another node took them out first.
      if (!(error instanceof DomainError && error.code === 'not_a_member')) throw error;
    }
  }
}
