import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../../domain/presence/presence.decider';
import { CommandExecutor } from '../command-executor';
import type { Actor, CommandContext } from '../context';
import { AppConfig } from '../ports/app-config';
import { ConnectionRegistry } from '../ports/connection-registry.port';
import { PresenceKeeper } from '../presence-keeper';
import { UserDirectory } from '../user-directory';

/**
 * A socket of the user connected to this node: it is registered (not logged), no grace period runs for
 * the user, and they are online (`UserWentOnline` only if they were not). `newUser`: a guest started
 * just now under an id made here, whose presence stream cannot exist yet.
 */
export class OpenConnectionCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly connectionId: string,
    readonly context: CommandContext,
    readonly newUser = false,
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
    private readonly directory: UserDirectory,
    private readonly config: AppConfig,
  ) {}

  async execute({ actor, connectionId, context, newUser }: OpenConnectionCommand): Promise<void> {
    // Registered before going online: a grace period ending on another node meanwhile sees it (PresenceKeeper.expire).
    await this.connections.add(connectionId, actor.userId, this.config.nodeId);
    this.presence.cancelExpiry(actor.userId);
    await this.executor.execute(
      presenceStream(actor.userId),
      presenceDecider,
      // The session's name as of now, in the presence stream's turn: a registration since the connection was
      // identified renamed the user, and the online list shows the new name.
      async () => ({
        type: 'GoOnline' as const,
        data: { userId: actor.userId, username: (await this.directory.usernameOf(actor.userId)) ?? actor.username },
      }),
      context,
      { newStream: newUser },
    );
  }
}
