import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Shapes and sizes only; the rules (known room, member, text length) live in the domain. */
const NAME = 100;
const CLIENT_ID = 100;
/** Far above any MAX_MESSAGE_LENGTH; the domain gives the precise answer below it. */
const TEXT = 100_000;

export class JoinDto {
  @IsString()
  @Length(1, NAME)
  room!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  since?: number;
}

export class LeaveDto {
  @IsString()
  @Length(1, NAME)
  room!: string;
}

/** `message`: a room message, or with `type: 'private'` the original client's private message. */
export class MessageDto {
  @IsOptional()
  @IsString()
  @Length(1, NAME)
  room?: string;

  @IsString()
  @MaxLength(TEXT)
  msg!: string;

  @IsOptional()
  @IsIn(['message', 'private'])
  type?: 'message' | 'private';

  @ValidateIf((dto: MessageDto) => dto.type === 'private')
  @IsString()
  @Length(1, NAME)
  target?: string;

  @IsOptional()
  @IsString()
  @Length(1, CLIENT_ID)
  clientId?: string;

  /** A file uploaded with POST /api/files, shared with this message. */
  @IsOptional()
  @IsString()
  @Length(1, NAME)
  fileId?: string;
}

export class PrivateMessageDto {
  @IsString()
  @Length(1, NAME)
  target!: string;

  @IsString()
  @MaxLength(TEXT)
  msg!: string;

  @IsOptional()
  @IsString()
  @Length(1, CLIENT_ID)
  clientId?: string;

  @IsOptional()
  @IsString()
  @Length(1, NAME)
  fileId?: string;
}

export class EditMessageDto {
  @IsString()
  @Length(1, NAME)
  room!: string;

  @IsString()
  @Length(1, NAME)
  messageId!: string;

  @IsString()
  @MaxLength(TEXT)
  msg!: string;
}

export class DeleteMessageDto {
  @IsString()
  @Length(1, NAME)
  room!: string;

  @IsString()
  @Length(1, NAME)
  messageId!: string;
}

export class ReactDto {
  @IsString()
  @Length(1, NAME)
  room!: string;

  @IsString()
  @Length(1, NAME)
  messageId!: string;

  @IsString()
  @Length(1, 64)
  emoji!: string;
}

/** `typing` in a room (`room`) or in a private conversation (`target`), not both. */
export class TypingDto {
  @ValidateIf((dto: TypingDto) => dto.target === undefined)
  @IsString()
  @Length(1, NAME)
  room?: string;

  @ValidateIf((dto: TypingDto) => dto.room === undefined)
  @IsString()
  @Length(1, NAME)
  target?: string;

  @IsBoolean()
  typing!: boolean;
}
