import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { UsersReadModel, type PrivateMessageView } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';

/** How many conversations `GET /api/private` lists: the most recent ones. */
export const CONVERSATIONS_LISTED = 100;

export type ConversationSummary = { readonly with: string; readonly last: PrivateMessageView };

/** The user's private conversations, most recent first: the other side's current name and the last message. */
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
  ) {}

  async execute({ userId }: GetPrivateConversationsQuery): Promise<ConversationSummary[]> {
    return Promise.all(
      this.users.lastMessagesOf(userId, CONVERSATIONS_LISTED).map(async (last) => {
        const other = last.fromUserId === userId ? last.toUserId : last.fromUserId;
        const fallback = last.fromUserId === userId ? last.to : last.from;
        return { with: (await this.directory.usernameOf(other)) ?? fallback, last };
      }),
    );
  }
}
