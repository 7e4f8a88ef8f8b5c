import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { presenceDecider, presenceStream } from '../../domain/presence/presence.decider';
import { CommandExecutor } from '../command-executor';
import type { CommandContext } from '../context';
import { PresenceKeeper } from '../presence-keeper';

/** A socket closed (or its node died); the user's last one starts the grace period. */
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
    private readonly executor: CommandExecutor,
    private readonly presence: PresenceKeeper,
  ) {}

  async execute({ userId, connectionId, context }: CloseConnectionCommand): Promise<void> {
    const [closed] = await this.executor.execute(
      presenceStream(userId),
      presenceDecider,
      { type: 'CloseConnection', data: { userId, connectionId } },
      context,
    );
    if (closed?.type === 'ConnectionClosed' && closed.data.remaining === 0) this.presence.scheduleExpiry(userId);
  }
}
