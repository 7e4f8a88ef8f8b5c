import { applyDecorators } from '@nestjs/common';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Shapes and sizes only; the rules (known room, member, text length) live in the domain. */
export const NAME = 100;
/** A moderator's reason, a topic: the domain gives the precise limit below this. */
export const NOTE = 1000;
export const CLIENT_ID = 100;
/** Far above any MAX_MESSAGE_LENGTH; the domain gives the precise answer below it. */
const TEXT = 100_000;

/** A string of `min`..`max` characters. */
export const Text = (min: number, max: number): PropertyDecorator =>
  applyDecorators(IsString(), min > 0 ? Length(min, max) : MaxLength(max));
/** A name-like string: a room, a user, a message or file id. */
export const Name = (): PropertyDecorator => Text(1, NAME);
export const OptionalName = (max = NAME): PropertyDecorator => applyDecorators(IsOptional(), Text(1, max));

/** Where an event about messages goes: a room (`room`), or a private conversation (`with` a person). */
type Where = { room?: string; with?: string };
/** `room`, required unless `with` is given; the gateway refuses both (`where`). */
const RoomUnlessWith = (): PropertyDecorator =>
  applyDecorators(
    ValidateIf((dto: Where) => dto.with === undefined || dto.room !== undefined),
    Name(),
  );
/** `with`, required unless `room` is given. */
const WithUnlessRoom = (): PropertyDecorator =>
  applyDecorators(
    ValidateIf((dto: Where) => dto.room === undefined || dto.with !== undefined),
    Name(),
  );

export class JoinDto {
  @Name()
  room!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  since?: number;

  /** The room's cursor of the last change seen: the join answers `changes` after it instead of `history`. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  cursor?: number;

  /** The code of an invite (`create_invite`), for a private room. */
  @OptionalName()
  invite?: string;
}

export class LeaveDto {
  @Name()
  room!: string;
}

/** `message`: a room message, or with `type: 'private'` the original client's private message. */
export class MessageDto {
  @OptionalName()
  room?: string;

  @Text(0, TEXT)
  msg!: string;

  @IsOptional()
  @IsIn(['message', 'private'])
  type?: 'message' | 'private';

  @ValidateIf((dto: MessageDto) => dto.type === 'private')
  @Name()
  target?: string;

  @OptionalName(CLIENT_ID)
  clientId?: string;

  /** A file uploaded with POST /api/files, shared with this message. */
  @OptionalName()
  fileId?: string;

  /** The id of the message of the room this one answers. */
  @OptionalName()
  replyTo?: string;
}

export class PrivateMessageDto {
  @Name()
  target!: string;

  @Text(0, TEXT)
  msg!: string;

  @OptionalName(CLIENT_ID)
  clientId?: string;

  @OptionalName()
  fileId?: string;
}

/** In a room (`room`) or a private conversation (`with`), not both. */
export class EditMessageDto {
  @RoomUnlessWith()
  room?: string;

  @WithUnlessRoom()
  with?: string;

  @Name()
  messageId!: string;

  @Text(0, TEXT)
  msg!: string;
}

/** In a room (`room`) or a private conversation (`with`), not both. */
export class DeleteMessageDto {
  @RoomUnlessWith()
  room?: string;

  @WithUnlessRoom()
  with?: string;

  @Name()
  messageId!: string;
}

/** `read` of a room (`room`) or of a private conversation (`with`): exactly one of them (the gateway refuses both). */
export class ReadDto {
  @RoomUnlessWith()
  room?: string;

  @WithUnlessRoom()
  with?: string;

  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seq!: number;
}

/** In a room (`room`) or a private conversation (`with`), not both. */
export class ReactDto {
  @RoomUnlessWith()
  room?: string;

  @WithUnlessRoom()
  with?: string;

  @Name()
  messageId!: string;

  @Text(1, 64)
  emoji!: string;
}

/** `typing` in a room (`room`) or in a private conversation (`target`), not both. */
export class TypingDto {
  @ValidateIf((dto: TypingDto) => dto.target === undefined)
  @Name()
  room?: string;

  @ValidateIf((dto: TypingDto) => dto.room === undefined)
  @Name()
  target?: string;

  @IsBoolean()
  typing!: boolean;
}

/** `private_sync`: the private messages with `with` after the cursor `since` (a message's `seq`; 0 for all). */
export class PrivateSyncDto {
  @Name()
  with!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  since!: number;
}
