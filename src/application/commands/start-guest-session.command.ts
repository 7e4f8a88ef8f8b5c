import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { guestName } from '../../domain/username/username.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { IdGenerator } from '../ports/id-generator.port';
import { NameKey } from '../ports/name-key.port';
import { UserDirectory } from '../user-directory';
import { claimUsername } from './claim-username';

/**
 * A new guest: under `userId` when given (the session a signed token already names, see
 * IdentityService), else under a fresh id. A session that already exists is answered as it is.
 */
export class StartGuestSessionCommand extends Command<Actor> {
  constructor(
    readonly context: CommandContext,
    readonly userId?: string,
  ) {
    super();
  }
}

const NAME_ATTEMPTS = 20;

/** A new identity with a generated guest name that no one else has ever had. */
@CommandHandler(StartGuestSessionCommand)
export class StartGuestSessionHandler implements ICommandHandler<StartGuestSessionCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly ids: IdGenerator,
    private readonly directory: UserDirectory,
    private readonly names: NameKey,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ context, userId = this.ids.id() }: StartGuestSessionCommand): Promise<Actor> {
    const existing = await this.directory.usernameOf(userId);
    if (existing !== undefined) return { userId, username: existing };
    const username = await this.claimGuestName(userId, context);
    await this.executor.execute(
      sessionStream(userId),
      this.decider,
      { type: 'StartSession', data: { sessionId: userId, username } },
      context,
    );
    // Another node started this session first (its decision stands): the name is the one it chose.
    return { userId, username: (await this.directory.usernameOf(userId)) ?? username };
  }

  private async claimGuestName(userId: string, context: CommandContext): Promise<string> {
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      // Four digits while they are plentiful, more once a name collides.
      const username = guestName(this.ids.digits(attempt < 5 ? 4 : 6 + Math.floor(attempt / 5)));
      if ((await this.directory.nameClaimedBy(username)) !== undefined) continue;
      try {
        await claimUsername({ executor: this.executor, directory: this.directory, names: this.names }, username, userId, context);
        return username;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'name_taken')) throw error;
      }
    }
    throw new Error('Could not find a free guest name');
  }
}
