import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PrivateHistory, type PrivateChanges } from '../private-history';
import { UsersReadModel, type PrivateMessageView } from '../read-models/users.read-model';
import { UnreadCounts } from '../unread-counts';
import { UserDirectory } from '../user-directory';

/** How many conversations `GET /api/private` and `GET /api/unread` list: the most recent ones. */
export const CONVERSATIONS_LISTED = 100;
/** How many changes a `private_sync` answers at most; `hasMore` says to ask again from its cursor. */
export const PRIVATE_SYNC_PAGE = 500;

export type ConversationSummary = {
  readonly with: string;
  readonly last: PrivateMessageView;
  /** Messages by the other after the user's marker in this conversation (`readSeq`, 0 when none yet). */
  readonly unread: number;
  readonly readSeq: number;
};

/** The user's private conversations, most recent first: the other side's current name, the last message, the unread count. */
export class GetPrivateConversationsQuery extends Query<ConversationSummary[]> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetPrivateConversationsQuery)
export class GetPrivateConversationsHandler implements IQueryHandler<GetPrivateConversationsQuery> {
  constructor(
    private readonly users: UsersReadModel,
    private readonly directory: UserDirectory,
    private readonly counts: UnreadCounts,
  ) {}

  async execute({ userId }: GetPrivateConversationsQuery): Promise<ConversationSummary[]> {
    const session = await this.directory.session(userId);
    const markers = session.status === 'Active' ? session.privateReadSeq : new Map<string, number>();
    return Promise.all(
      this.users.lastMessagesOf(userId, CONVERSATIONS_LISTED).map(async (last) => {
        const other = last.fromUserId === userId ? last.toUserId : last.fromUserId;
        const fallback = last.fromUserId === userId ? last.to : last.from;
        const { count, readSeq } = await this.counts.ofConversation(userId, other, markers.get(other) ?? 0);
        return { with: (await this.directory.usernameOf(other)) ?? fallback, last, unread: count, readSeq };
      }),
    );
  }
}

export type PrivateSync = (PrivateChanges & { readonly with: string }) | 'user_not_found';

/** `private_sync {with, since}`: the changes of the user's private conversation with `with` after the cursor `since`, oldest first. */
export class SyncPrivateConversationQuery extends Query<PrivateSync> {
  constructor(
    readonly userId: string,
    readonly withName: string,
    readonly since: number,
  ) {
    super();
  }
}

@QueryHandler(SyncPrivateConversationQuery)
export class SyncPrivateConversationHandler implements IQueryHandler<SyncPrivateConversationQuery> {
  constructor(
    private readonly directory: UserDirectory,
    private readonly history: PrivateHistory,
  ) {}

  async execute({ userId, withName, since }: SyncPrivateConversationQuery): Promise<PrivateSync> {
    const other = await this.directory.known(withName);
    if (other === undefined) return 'user_not_found';
    return { with: other.username, ...(await this.history.changes(userId, other.userId, since, PRIVATE_SYNC_PAGE)) };
  }
}
