import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../context';
import { AppConfig } from '../ports/app-config';
import { ConnectionRegistry } from '../ports/connection-registry.port';
import { PresenceKeeper } from '../presence-keeper';

/**
 * A socket on this node closed: it leaves the registry, and nothing is logged. A user left with no
 * connection (or when the registry cannot tell) gets the grace period; whether they go offline is
 * decided when it ends.
 */
export class CloseConnectionCommand extends Command<void> {
  constructor(
    readonly userId: string,
    readonly connectionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CloseConnectionCommand)
export class CloseConnectionHandler implements ICommandHandler<CloseConnectionCommand> {
  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly presence: PresenceKeeper,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId, connectionId }: CloseConnectionCommand): Promise<void> {
    const removed = await this.connections.remove(connectionId, this.config.nodeId);
    if (removed === undefined) return;
    const connected = await this.connections.connected([userId]).catch(() => undefined);
    if (connected?.has(userId) !== true) this.presence.scheduleExpiry(userId);
  }
}
