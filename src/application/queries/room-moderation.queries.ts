import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RoomAuthority } from '../room-authority';
import { RoomTimeline, type AuditPage, type Moment, type RoomMoment } from '../room-timeline';
import type { Refusal } from './rooms.queries';

/** Only the room's moderators, owners and the server's admins may look into its moderation and its past. */
type NotModerator = Refusal | 'message_not_found';

export class GetRoomAuditQuery extends Query<AuditPage | NotModerator> {
  constructor(
    readonly room: string,
    readonly viewer: string,
    readonly after: number,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(GetRoomAuditQuery)
export class GetRoomAuditHandler implements IQueryHandler<GetRoomAuditQuery> {
  constructor(
    private readonly authority: RoomAuthority,
    private readonly timeline: RoomTimeline,
  ) {}

  async execute({ room, viewer, after, limit }: GetRoomAuditQuery): Promise<AuditPage | NotModerator> {
    const access = await this.authority.access(room, viewer);
    if (access !== 'moderate') return access === 'read' ? 'forbidden' : access;
    return this.timeline.audit(room, after, limit);
  }
}

export class GetRoomMomentQuery extends Query<RoomMoment | NotModerator> {
  constructor(
    readonly room: string,
    readonly viewer: string,
    readonly moment: Moment,
  ) {
    super();
  }
}

@QueryHandler(GetRoomMomentQuery)
export class GetRoomMomentHandler implements IQueryHandler<GetRoomMomentQuery> {
  constructor(
    private readonly authority: RoomAuthority,
    private readonly timeline: RoomTimeline,
  ) {}

  async execute({ room, viewer, moment }: GetRoomMomentQuery): Promise<RoomMoment | NotModerator> {
    const access = await this.authority.access(room, viewer);
    if (access !== 'moderate') return access === 'read' ? 'forbidden' : access;
    return this.timeline.at(room, moment);
  }
}
