import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { Name, NOTE, Text } from './chat.dto';

/** Shapes and sizes only; the rules (who may, name rules, limits) live in the room's decider. */
export class CreateRoomDto {
  @Name()
  name!: string;

  @IsIn(['public', 'private'])
  visibility!: 'public' | 'private';

  @IsOptional()
  @Text(0, NOTE)
  topic?: string;
}

export class CreateInviteDto {
  @Name()
  room!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxUses?: number;

  /** Seconds from now; none: until used up. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365 * 86_400)
  expiresIn?: number;
}

export class SetTopicDto {
  @Name()
  room!: string;

  @Text(0, NOTE)
  topic!: string;
}

export class RoomDto {
  @Name()
  room!: string;
}

export class SetRoleDto {
  @Name()
  room!: string;

  @Name()
  user!: string;

  @IsIn(['owner', 'moderator', 'member'])
  role!: 'owner' | 'moderator' | 'member';
}

/** `unban`, `unmute`: the member of a room whose ban or mute ends. */
export class LiftDto {
  @Name()
  room!: string;

  @Name()
  user!: string;
}

/** `kick`: a member of a room, and why. */
export class MemberDto {
  @Name()
  room!: string;

  @Name()
  user!: string;

  @IsOptional()
  @Text(0, NOTE)
  reason?: string;
}

/** `ban` and `mute`: until when (ISO 8601; none: until lifted), and why. */
export class RestrictDto {
  @Name()
  room!: string;

  @Name()
  user!: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @IsOptional()
  @Text(0, NOTE)
  reason?: string;
}

export class RemoveMessageDto {
  @Name()
  room!: string;

  @Name()
  messageId!: string;

  @IsOptional()
  @Text(0, NOTE)
  reason?: string;
}

export class SlowModeDto {
  @Name()
  room!: string;

  @IsInt()
  @Min(0)
  @Max(86_400)
  seconds!: number;
}
