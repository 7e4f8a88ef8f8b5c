import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RoomsReadModel, type HistoryPage } from '../read-models/rooms.read-model';
import { RoomHistory, type ChangesPage, type CursorPage } from '../room-history';

/** Messages a socket gets on join: the newest ones, or every one after `since`. */
export const RECENT_HISTORY = 50;
export const SINCE_CAP = 500;

export class GetRoomsQuery extends Query<{ name: string; members: number }[]> {}

@QueryHandler(GetRoomsQuery)
export class GetRoomsHandler implements IQueryHandler<GetRoomsQuery> {
  constructor(private readonly rooms: RoomsReadModel) {}

  execute(): Promise<{ name: string; members: number }[]> {
    return Promise.resolve(this.rooms.list());
  }
}

export class GetRoomQuery extends Query<{ name: string; members: string[] } | null> {
  constructor(readonly room: string) {
    super();
  }
}

@QueryHandler(GetRoomQuery)
export class GetRoomHandler implements IQueryHandler<GetRoomQuery> {
  constructor(private readonly rooms: RoomsReadModel) {}

  execute({ room }: GetRoomQuery): Promise<{ name: string; members: string[] } | null> {
    return Promise.resolve(this.rooms.has(room) ? { name: room, members: this.rooms.members(room) } : null);
  }
}

export class GetRoomMessagesQuery extends Query<HistoryPage | 'unknown_room' | 'unknown_message'> {
  constructor(
    readonly room: string,
    readonly before: string | undefined,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(GetRoomMessagesQuery)
export class GetRoomMessagesHandler implements IQueryHandler<GetRoomMessagesQuery> {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly history: RoomHistory,
  ) {}

  execute({ room, before, limit }: GetRoomMessagesQuery): Promise<HistoryPage | 'unknown_room' | 'unknown_message'> {
    if (!this.rooms.has(room)) return Promise.resolve('unknown_room');
    return this.history.page(room, before, limit);
  }
}

export class GetRoomHistoryQuery extends Query<CursorPage> {
  constructor(
    readonly room: string,
    readonly since: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetRoomHistoryQuery)
export class GetRoomHistoryHandler implements IQueryHandler<GetRoomHistoryQuery> {
  constructor(private readonly history: RoomHistory) {}

  execute({ room, since }: GetRoomHistoryQuery): Promise<CursorPage> {
    return since === undefined ? this.history.recent(room, RECENT_HISTORY) : this.history.since(room, since, SINCE_CAP);
  }
}

/** What a socket gets on a join with a cursor: the changes after it, `SINCE_CAP` at most per page. */
export class GetRoomChangesQuery extends Query<ChangesPage> {
  constructor(
    readonly room: string,
    readonly cursor: number,
  ) {
    super();
  }
}

@QueryHandler(GetRoomChangesQuery)
export class GetRoomChangesHandler implements IQueryHandler<GetRoomChangesQuery> {
  constructor(private readonly history: RoomHistory) {}

  execute({ room, cursor }: GetRoomChangesQuery): Promise<ChangesPage> {
    return this.history.changes(room, cursor, SINCE_CAP);
  }
}

export class GetUserRoomsQuery extends Query<string[]> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(GetUserRoomsQuery)
export class GetUserRoomsHandler implements IQueryHandler<GetUserRoomsQuery> {
  constructor(private readonly rooms: RoomsReadModel) {}

  execute({ userId }: GetUserRoomsQuery): Promise<string[]> {
    return Promise.resolve(this.rooms.roomsOf(userId));
  }
}
