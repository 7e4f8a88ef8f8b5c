import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RoomsReadModel, type HistoryPage, type RoomInfo } from '../read-models/rooms.read-model';
import { RoomAuthority } from '../room-authority';
import type { RoomRole } from '../../domain/room/room.events';
import { RoomHistory, type ChangesPage, type CursorPage } from '../room-history';

/** Messages a socket gets on join: the newest ones, or every one after `since`. */
export const RECENT_HISTORY = 50;
export const SINCE_CAP = 500;

export type ListedRoom = { name: string; members: number } & RoomInfo;
/** Why a room's members or history are not shown to someone. */
export type Refusal = 'unknown_room' | 'forbidden' | 'banned';

/** The rooms `viewer` may see listed (undefined: a caller without a session). */
export class GetRoomsQuery extends Query<ListedRoom[]> {
  constructor(readonly viewer?: string) {
    super();
  }
}

@QueryHandler(GetRoomsQuery)
export class GetRoomsHandler implements IQueryHandler<GetRoomsQuery> {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly authority: RoomAuthority,
  ) {}

  async execute({ viewer }: GetRoomsQuery): Promise<ListedRoom[]> {
    const admin = viewer !== undefined && (await this.authority.isAdmin(viewer));
    return this.rooms.list(viewer, admin);
  }
}

/** A room's members and what the list shows of it; with a viewer, their `role` in it too. */
export type RoomDetail = {
  name: string;
  members: string[];
  roles: { user: string; role: RoomRole }[];
  slowMode: number;
  role?: 'admin' | RoomRole;
} & RoomInfo;

export class GetRoomQuery extends Query<RoomDetail | Refusal> {
  constructor(
    readonly room: string,
    readonly viewer?: string,
  ) {
    super();
  }
}

@QueryHandler(GetRoomQuery)
export class GetRoomHandler implements IQueryHandler<GetRoomQuery> {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly authority: RoomAuthority,
  ) {}

  async execute({ room, viewer }: GetRoomQuery): Promise<RoomDetail | Refusal> {
    const access = await this.authority.access(room, viewer);
    if (access !== 'read' && access !== 'moderate') return access;
    const info = this.rooms.info(room);
    if (info === undefined) return 'unknown_room';
    const role = viewer === undefined ? {} : { role: await this.authority.roleIn(room, viewer) };
    return { name: room, members: this.rooms.members(room), ...info, ...(await this.authority.standingsIn(room)), ...role };
  }
}

export class GetRoomMessagesQuery extends Query<HistoryPage | Refusal | 'unknown_message'> {
  constructor(
    readonly room: string,
    readonly before: string | undefined,
    readonly limit: number,
    readonly viewer?: string,
  ) {
    super();
  }
}

@QueryHandler(GetRoomMessagesQuery)
export class GetRoomMessagesHandler implements IQueryHandler<GetRoomMessagesQuery> {
  constructor(
    private readonly rooms: RoomsReadModel,
    private readonly history: RoomHistory,
    private readonly authority: RoomAuthority,
  ) {}

  async execute({ room, before, limit, viewer }: GetRoomMessagesQuery): Promise<HistoryPage | Refusal | 'unknown_message'> {
    if (!this.rooms.has(room)) return 'unknown_room';
    const access = await this.authority.access(room, viewer);
    if (access !== 'read' && access !== 'moderate') return access;
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
