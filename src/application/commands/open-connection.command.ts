import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../../domain/presence/presence.decider';
import { CommandExecutor } from '../command-executor';
import type { Actor, CommandContext } from '../context';
import { AppConfig } from '../ports/app-config';
import { ConnectionRegistry } from '../ports/connection-registry.port';
import { PresenceKeeper } from '../presence-keeper';

/**
 * A socket of the user connected to this node: it is registered (not logged), no grace period runs for
 * the user, and they are online (`UserWentOnline` only if they were not).
 */
export class OpenConnectionCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly connectionId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(OpenConnectionCommand)
export class OpenConnectionHandler implements ICommandHandler<OpenConnectionCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly connections: ConnectionRegistry,
    private readonly presence: PresenceKeeper,
    private readonly config: AppConfig,
  ) {}

  async execute({ actor, connectionId, context }: OpenConnectionCommand): Promise<void> {
    // Registered before going online: a grace period ending on another node meanwhile sees it (PresenceKeeper.expire).
    await this.connections.add(connectionId, actor.userId, this.config.nodeId);
    this.presence.cancelExpiry(actor.userId);
    await this.executor.execute(
      presenceStream(actor.userId),
      presenceDecider,
      { type: 'GoOnline', data: { userId: actor.userId, username: actor.username } },
      context,
    );
  }
}
