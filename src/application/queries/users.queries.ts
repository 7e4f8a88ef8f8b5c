import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Actor } from '../context';
import { AppConfig } from '../ports/app-config';
import { Clock } from '../ports/clock.port';
import { parseTokenSubject, TokenSigner } from '../ports/token-signer.port';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { PrivateHistory } from '../private-history';
import { UsersReadModel, type PrivateMessageView } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';

export class GetOnlineUsersQuery extends Query<{ username: string; rooms: string[] }[]> {}

@QueryHandler(GetOnlineUsersQuery)
export class GetOnlineUsersHandler implements IQueryHandler<GetOnlineUsersQuery> {
  constructor(
    private readonly users: UsersReadModel,
    private readonly rooms: RoomsReadModel,
  ) {}

  execute(): Promise<{ username: string; rooms: string[] }[]> {
    return Promise.resolve(this.users.onlineUsers().map((user) => ({ username: user.username, rooms: this.rooms.roomsOf(user.userId) })));
  }
}

export class GetActiveUsersQuery extends Query<string[]> {}

@QueryHandler(GetActiveUsersQuery)
export class GetActiveUsersHandler implements IQueryHandler<GetActiveUsersQuery> {
  constructor(private readonly users: UsersReadModel) {}

  execute(): Promise<string[]> {
    return Promise.resolve(this.users.activeUsers());
  }
}

export interface SessionIdentity extends Actor {
  readonly tokenId: string;
  readonly account: boolean;
}

export type RefusedToken = { readonly refused: 'invalid_token' | 'expired_token' | 'signed_out' | 'unknown_session' };

/** The identity a session token stands for, or why it is refused. */
export class ResolveSessionQuery extends Query<SessionIdentity | RefusedToken> {
  constructor(readonly token: string) {
    super();
  }
}

@QueryHandler(ResolveSessionQuery)
export class ResolveSessionHandler implements IQueryHandler<ResolveSessionQuery> {
  constructor(
    private readonly directory: UserDirectory,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async execute({ token }: ResolveSessionQuery): Promise<SessionIdentity | RefusedToken> {
    const subject = this.signer.verify(token);
    if (subject === null) return { refused: 'invalid_token' };
    const { sessionId, tokenId, issuedAt } = parseTokenSubject(subject);
    const age = issuedAt === undefined ? Number.POSITIVE_INFINITY : this.clock.now().getTime() - issuedAt.getTime();
    if (!(age <= this.config.sessionMaxAgeDays * 86_400_000)) return { refused: 'expired_token' };
    const session = await this.directory.session(sessionId);
    if (session.status !== 'Active') return { refused: 'unknown_session' };
    if (session.signedOut.has(tokenId)) return { refused: 'signed_out' };
    return { userId: sessionId, username: session.username, tokenId, account: session.kind === 'account' };
  }
}

/** A user's current name (it changes when a guest registers an account). */
export class GetUsernameQuery extends Query<string | undefined> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetUsernameQuery)
export class GetUsernameHandler implements IQueryHandler<GetUsernameQuery> {
  constructor(
    private readonly users: UsersReadModel,
    private readonly directory: UserDirectory,
  ) {}

  /** An online user's name is in memory (always the session's current one); anyone else's is their session's. */
  async execute({ userId }: GetUsernameQuery): Promise<string | undefined> {
    return this.users.onlineUsername(userId) ?? (await this.directory.usernameOf(userId));
  }
}

/** An online user by exact name, or null. */
export class FindOnlineUserQuery extends Query<Actor | null> {
  constructor(readonly username: string) {
    super();
  }
}

@QueryHandler(FindOnlineUserQuery)
export class FindOnlineUserHandler implements IQueryHandler<FindOnlineUserQuery> {
  constructor(private readonly users: UsersReadModel) {}

  execute({ username }: FindOnlineUserQuery): Promise<Actor | null> {
    const user = this.users.onlineUserNamed(username);
    return Promise.resolve(user === undefined ? null : { userId: user.userId, username: user.username });
  }
}

export type PrivatePage = { messages: readonly PrivateMessageView[]; hasMore: boolean } | 'user_not_found' | 'unknown_message';

/** A page of one's private conversation with a user (online or not), newest first. */
export class GetPrivateConversationQuery extends Query<PrivatePage> {
  constructor(
    readonly userId: string,
    readonly otherUsername: string,
    readonly before: string | undefined,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(GetPrivateConversationQuery)
export class GetPrivateConversationHandler implements IQueryHandler<GetPrivateConversationQuery> {
  constructor(
    private readonly directory: UserDirectory,
    private readonly history: PrivateHistory,
  ) {}

  async execute({ userId, otherUsername, before, limit }: GetPrivateConversationQuery): Promise<PrivatePage> {
    const otherId = await this.directory.userIdNamed(otherUsername);
    if (otherId === undefined) return 'user_not_found';
    return this.history.page(userId, otherId, before, limit);
  }
}
