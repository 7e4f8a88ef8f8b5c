import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../../domain/presence/presence.decider';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../handle-command';
import { AppConfig } from '../ports/app-config';
import { IdGenerator } from '../ports/id-generator.port';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { UsersReadModel } from '../read-models/users.read-model';
import { LeaveRoomCommand } from './leave-room.command';

export class OpenConnectionCommand {
  constructor(
    readonly actor: Actor,
    readonly connectionId: string,
    readonly context: CommandContext,
  ) {}
}

export class CloseConnectionCommand {
  constructor(
    readonly userId: string,
    readonly connectionId: string,
    readonly context: CommandContext,
  ) {}
}

/**
 * When a user's last connection closes, waits a grace period (a page reload reconnects within
 * it), then takes them out of their rooms, announced, and marks them offline.
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

  async open(actor: Actor, connectionId: string, context: CommandContext): Promise<void> {
    this.cancel(actor.userId);
    await this.executor.execute(
      presenceStream(actor.userId),
      presenceDecider,
      { type: 'OpenConnection', data: { userId: actor.userId, username: actor.username, connectionId, node: this.config.nodeId } },
      context,
    );
  }

  async close(userId: string, connectionId: string, context: CommandContext): Promise<void> {
    await this.closeConnection(userId, connectionId, context);
  }

  /**
   * Closes connections the log holds open for nodes that are gone (killed, or this one before a
   * restart), and starts the grace period of users left with no connection.
   */
  async reap(isAlive: (node: string) => boolean): Promise<void> {
    const context = { correlationId: this.ids.id() };
    for (const connection of this.users.openConnections()) {
      if (!isAlive(connection.node)) await this.closeConnection(connection.userId, connection.connectionId, context);
    }
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

  private cancel(userId: string): void {
    const timer = this.timers.get(userId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(userId);
  }

  private scheduleExpiry(userId: string): void {
    if (this.stopped) return;
    this.cancel(userId);
    const timer = setTimeout(() => {
      this.timers.delete(userId);
      this.expire(userId).catch((error: unknown) => this.logger.error({ err: error, userId }, 'presence expiry failed'));
    }, this.config.presenceGraceMs);
    timer.unref();
    this.timers.set(userId, timer);
  }

  private async closeConnection(userId: string, connectionId: string, context: CommandContext): Promise<void> {
    const [closed] = await this.executor.execute(
      presenceStream(userId),
      presenceDecider,
      { type: 'CloseConnection', data: { userId, connectionId } },
      context,
    );
    if (closed?.type === 'ConnectionClosed' && closed.data.remaining === 0) this.scheduleExpiry(userId);
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

@CommandHandler(OpenConnectionCommand)
export class OpenConnectionHandler implements ICommandHandler<OpenConnectionCommand, void> {
  constructor(private readonly presence: PresenceKeeper) {}

  execute({ actor, connectionId, context }: OpenConnectionCommand): Promise<void> {
    return this.presence.open(actor, connectionId, context);
  }
}

@CommandHandler(CloseConnectionCommand)
export class CloseConnectionHandler implements ICommandHandler<CloseConnectionCommand, void> {
  constructor(private readonly presence: PresenceKeeper) {}

  execute({ userId, connectionId, context }: CloseConnectionCommand): Promise<void> {
    return this.presence.close(userId, connectionId, context);
  }
}
