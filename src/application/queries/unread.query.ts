import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { UnreadCounts, type Unread } from '../unread-counts';
import { UserDirectory } from '../user-directory';

/** The user's unread count in each of their rooms. */
export class GetUnreadQuery extends Query<Unread[]> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetUnreadQuery)
export class GetUnreadHandler implements IQueryHandler<GetUnreadQuery> {
  constructor(
    private readonly counts: UnreadCounts,
    private readonly directory: UserDirectory,
    private readonly rooms: RoomsReadModel,
  ) {}

  /** Each room's marker from the user's session (none yet: 0). */
  async execute({ userId }: GetUnreadQuery): Promise<Unread[]> {
    const session = await this.directory.session(userId);
    const markers = session.status === 'Active' ? session.readSeq : new Map<string, number>();
    const username = session.status === 'Active' ? session.username : undefined;
    return Promise.all(this.rooms.roomsOf(userId).map((room) => this.counts.of(userId, username, room, markers.get(room) ?? 0)));
  }
}
