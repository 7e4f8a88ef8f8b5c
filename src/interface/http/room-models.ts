import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RoomMessage } from './api-models';

class RoomInfo {
  @ApiProperty({ example: 'General' })
  name!: string;

  @ApiProperty({ enum: ['public', 'private'], description: 'Private rooms are listed only to those let in' })
  visibility!: 'public' | 'private';

  @ApiProperty({ example: '' })
  topic!: string;

  @ApiPropertyOptional({ description: 'Who created it; the default rooms have no owner' })
  owner?: string;

  @ApiProperty({ description: 'Read-only; listed to admins only' })
  archived!: boolean;
}

export class RoomSummary extends RoomInfo {
  @ApiProperty({ description: 'How many members' })
  members!: number;
}

export class RoomList {
  @ApiProperty({ type: [RoomSummary] })
  rooms!: RoomSummary[];
}

export class MemberAtMoment {
  @ApiProperty()
  user!: string;

  @ApiProperty({ enum: ['owner', 'moderator', 'member'] })
  role!: string;
}

export class RoomDetail extends RoomInfo {
  @ApiProperty({ type: [String], description: "The members' names" })
  members!: string[];

  @ApiProperty({ type: [MemberAtMoment], description: 'Owners and moderators, by their current names' })
  roles!: MemberAtMoment[];

  @ApiProperty({ description: 'Slow mode, in seconds (0: off)' })
  slowMode!: number;

  @ApiPropertyOptional({ enum: ['admin', 'owner', 'moderator', 'member'], description: 'Your role in the room (with a session)' })
  role?: string;
}

export class AuditEntry {
  @ApiProperty({
    enum: ['set_role', 'kick', 'ban', 'unban', 'mute', 'unmute', 'remove_message', 'slow_mode', 'set_topic', 'archive_room'],
  })
  action!: string;

  @ApiProperty({ description: 'The moderator, owner or admin who did it' })
  by!: string;

  @ApiPropertyOptional({ description: 'The member it was done to' })
  user?: string;

  @ApiPropertyOptional()
  messageId?: string;

  @ApiPropertyOptional({ description: "A removed message's number in the room" })
  seq?: number;

  @ApiPropertyOptional()
  reason?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When a ban or mute ends' })
  until?: string;

  @ApiPropertyOptional({ enum: ['owner', 'moderator', 'member'] })
  role?: string;

  @ApiPropertyOptional({ description: 'Slow mode' })
  seconds?: number;

  @ApiPropertyOptional()
  topic?: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ description: "The room's cursor at this event: pass it as `after` for the next page" })
  cursor!: number;
}

export class AuditPage {
  @ApiProperty()
  room!: string;

  @ApiProperty({ type: [AuditEntry], description: 'Oldest first' })
  entries!: AuditEntry[];

  @ApiProperty({ description: 'Where the next page starts' })
  cursor!: number;

  @ApiProperty()
  hasMore!: boolean;
}

export class RestrictionAtMoment {
  @ApiProperty()
  user!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'None: until lifted' })
  until?: string;
}

export class RoomAtMoment {
  @ApiProperty()
  room!: string;

  @ApiProperty({ description: 'The room cursor (stream version) of the moment, its last message seq then, and when that was' })
  at!: { cursor: number; seq: number; time?: string };

  @ApiProperty()
  topic!: string;

  @ApiProperty()
  archived!: boolean;

  @ApiProperty({ description: 'Slow mode, in seconds (0: off)' })
  slowMode!: number;

  @ApiProperty({ type: [MemberAtMoment], description: 'Who was in the room' })
  members!: MemberAtMoment[];

  @ApiProperty({ type: [MemberAtMoment], description: 'Owners and moderators, in the room or not' })
  roles!: MemberAtMoment[];

  @ApiProperty({ type: [RestrictionAtMoment] })
  bans!: RestrictionAtMoment[];

  @ApiProperty({ type: [RestrictionAtMoment] })
  mutes!: RestrictionAtMoment[];

  @ApiProperty({ type: [RoomMessage], description: 'The last 50 messages up to then, oldest first, as they stood then' })
  messages!: RoomMessage[];
}
