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
const MAX_GUEST_DIGITS = 12;

/**
 * Four digits while they are plentiful, one more after each name that was taken: once 10,000 guests
 * have four-digit names, a new guest finds a free name in about two reads of the store, not six.
 */
export const guestNameDigits = (attempt: number): number => Math.min(MAX_GUEST_DIGITS, 4 + attempt);

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

  async execute({ context, userId: named }: StartGuestSessionCommand): Promise<Actor> {
    // An id made here is new; one a token names may have been started already (by another tab, or node).
    const userId = named ?? this.ids.id();
    const existing = named === undefined ? undefined : await this.directory.usernameOf(userId);
    if (existing !== undefined) return { userId, username: existing };
    const username = await this.claimGuestName(userId, context);
    await this.executor.execute(
      sessionStream(userId),
      this.decider,
      { type: 'StartSession', data: { sessionId: userId, username } },
      context,
      { newStream: named === undefined },
    );
    // Another node started this session first (its decision stands): the name is the one it chose.
    return { userId, username: (await this.directory.usernameOf(userId)) ?? username };
  }

  private async claimGuestName(userId: string, context: CommandContext): Promise<string> {
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const username = guestName(this.ids.digits(guestNameDigits(attempt)));
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
