import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../../domain/presence/presence.decider';
import { CommandExecutor } from '../command-executor';
import type { Actor, CommandContext } from '../context';
import { AppConfig } from '../ports/app-config';
import { PresenceKeeper } from '../presence-keeper';

/** A socket of the user connected to this node: they are online, and no grace period runs for them. */
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
    private readonly presence: PresenceKeeper,
    private readonly config: AppConfig,
  ) {}

  async execute({ actor, connectionId, context }: OpenConnectionCommand): Promise<void> {
    this.presence.cancelExpiry(actor.userId);
    await this.executor.execute(
      presenceStream(actor.userId),
      presenceDecider,
      { type: 'OpenConnection', data: { userId: actor.userId, username: actor.username, connectionId, node: this.config.nodeId } },
      context,
    );
  }
}
