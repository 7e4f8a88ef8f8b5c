import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/shared/domain-error';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { checkUsernameCharacters, nameTaken } from '../../domain/username/username.decider';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { NameKey } from '../ports/name-key.port';
import { PasswordHasher } from '../ports/password-hasher.port';
import { UserDirectory } from '../user-directory';
import { claimUsername } from './claim-username';

/** A session (a guest, usually) claims a name with a password and becomes an account. */
export class RegisterAccountCommand extends Command<Actor> {
  constructor(
    readonly sessionId: string,
    readonly username: string,
    readonly password: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterAccountCommand)
export class RegisterAccountHandler implements ICommandHandler<RegisterAccountCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly hasher: PasswordHasher,
    private readonly directory: UserDirectory,
    private readonly names: NameKey,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ sessionId, username, password, context }: RegisterAccountCommand): Promise<Actor> {
    // Everything that can be known before hashing is checked first: a refusal costs no scrypt, and
    // nothing is claimed for a session that cannot become an account.
    checkUsernameCharacters(username);
    const session = await this.directory.session(sessionId);
    if (session.status === 'Active' && session.kind === 'account')
      throw new DomainError('already_registered', 'This session is already an account');
    const owner = await this.directory.nameClaimedBy(username);
    if (owner !== undefined && owner !== sessionId) throw new DomainError('name_taken', nameTaken(username));
    const passwordHash = await this.hasher.hash(password);
    await claimUsername({ executor: this.executor, directory: this.directory, names: this.names }, username, sessionId, context);
    await this.executor.execute(
      sessionStream(sessionId),
      this.decider,
      { type: 'RegisterAccount', data: { sessionId, username, passwordHash } },
      context,
    );
    return { userId: sessionId, username };
  }
}

/** Checks a name and password; wrong password and unknown name are the same failure. */
export class SignInCommand extends Command<Actor> {
  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }
}

@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  constructor(
    private readonly directory: UserDirectory,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ username, password }: SignInCommand): Promise<Actor> {
    const account = await this.directory.account(username);
    const valid =
      account === undefined ? await this.hasher.verifyNothing(password) : await this.hasher.verify(password, account.passwordHash);
    if (account === undefined || !valid) throw new DomainError('invalid_credentials', 'Wrong name or password');
    return { userId: account.userId, username: account.username };
  }
}

/** Revokes one token of a session. */
export class SignOutCommand extends Command<void> {
  constructor(
    readonly sessionId: string,
    readonly tokenId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ sessionId, tokenId, context }: SignOutCommand): Promise<void> {
    await this.executor.execute(sessionStream(sessionId), this.decider, { type: 'SignOut', data: { sessionId, tokenId } }, context);
  }
}
