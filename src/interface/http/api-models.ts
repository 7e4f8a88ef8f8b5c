import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { SESSION_COOKIE } from '../session-token';
import { ALLOWED_TYPES } from './file-types';

/**
 * The REST answers as OpenAPI sees them (see api-docs.ts). The controllers keep their own types;
 * these classes only describe the wire, and test/e2e/api-docs.e2e-spec.ts checks every route has one.
 */

/** The name of the cookie security scheme in the document. */
export const SESSION_SCHEME = 'session';

export class ErrorDetail {
  @ApiProperty({ description: 'Stable, machine-readable reason', example: 'unknown_room' })
  code!: string;

  @ApiProperty({ description: 'For people; may change', example: 'Unknown room: Lobby' })
  message!: string;

  @ApiPropertyOptional({ description: 'The request field that is wrong (validation errors)', example: 'limit' })
  field?: string;

  @ApiPropertyOptional({ description: 'With `rate_limited`: when to try again', example: 1500 })
  retryAfterMs?: number;
}

export class ErrorResponse {
  @ApiProperty({ type: ErrorDetail })
  error!: ErrorDetail;
}

export type ErrorCase = readonly [status: number, codes: readonly string[], when: string];

/** The answer of every route that writes when the store cannot be reached. */
export const UNAVAILABLE: ErrorCase = [503, ['unavailable'], 'Storage is unreachable or too busy; try again'];

/** Error answers: each status with the `error.code` values it carries. */
export const ApiErrors = (...cases: ErrorCase[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...cases.map(([status, codes, when]) =>
      ApiResponse({
        status,
        description: `${when} (\`${codes.join('`, `')}\`)`,
        // Always JSON, also on routes that produce other types.
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['error'],
              properties: {
                error: {
                  allOf: [
                    { $ref: getSchemaPath(ErrorDetail) },
                    { type: 'object', properties: { code: { type: 'string', enum: [...codes] } } },
                  ],
                },
              },
            },
          },
        },
      }),
    ),
  );

/** Routes that act as the session cookie's user (see each route for what happens without one). */
export const ApiSession = (): MethodDecorator & ClassDecorator => applyDecorators(ApiSecurity(SESSION_SCHEME), ApiSecurity({}));

/** `?before=&limit=` of the message pages (see http-errors.ts). */
export const ApiPage = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiQuery({
      name: 'before',
      required: false,
      description: 'A message id: the page of messages older than it',
      schema: { type: 'string', minLength: 1, maxLength: 100 },
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      description: 'Page size',
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    }),
  );

export const SET_COOKIE = {
  'Set-Cookie': {
    description: `\`${SESSION_COOKIE}\`: signed, HttpOnly, SameSite=Lax, Path=/ (only when the request had no valid one, or a new session starts)`,
    schema: { type: 'string' },
  },
} as const;

export class Credentials {
  @ApiProperty({ minLength: 3, maxLength: 32, pattern: '^[\\p{L}\\p{N}_.-]{3,32}$', example: 'ada' })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 256, format: 'password', example: 'correct horse battery' })
  password!: string;
}

export class AccountAnswer {
  @ApiProperty({ example: 'ada' })
  username!: string;

  @ApiProperty({ description: 'true after register and login, false after logout (a fresh guest)' })
  account!: boolean;
}

export class SessionAnswer {
  @ApiProperty({ example: 'guest-4f2a' })
  username!: string;

  @ApiProperty({ description: 'The cookie named an existing session' })
  resumed!: boolean;

  @ApiProperty({ description: 'A registered account rather than a guest' })
  account!: boolean;

  @ApiProperty({ type: [String], description: "The user's rooms", example: ['General'] })
  rooms!: string[];

  @ApiProperty({ description: 'The largest file POST /api/files accepts, in bytes' })
  maxUploadBytes!: number;
}

export class UploadedFile {
  @ApiProperty({ description: 'Pass as `fileId` with a message' })
  id!: string;

  @ApiProperty({ description: 'The cleaned file name' })
  name!: string;

  @ApiProperty({ enum: ALLOWED_TYPES, description: 'Recognised from the bytes' })
  type!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty({ example: '/api/files/01J...' })
  url!: string;
}

export class Attachment {
  @ApiProperty()
  fileId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ALLOWED_TYPES })
  type!: string;

  @ApiProperty()
  size!: number;
}

export class RoomMessage {
  @ApiProperty({ description: 'The text (empty for a deleted message)' })
  msg!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty()
  room!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty()
  id!: string;

  @ApiProperty({ description: "The room's messages are numbered 1, 2, 3 … without gaps" })
  seq!: number;

  @ApiProperty({
    description: "The author's stable public id, under any name they had (never the user id)",
    example: 'XF7a1Ov6lT9H6w-QClWdgZ',
  })
  authorId!: string;

  @ApiPropertyOptional({ description: "The sender's idempotency key" })
  clientId?: string;

  @ApiPropertyOptional({ type: Attachment })
  attachment?: Attachment;

  @ApiPropertyOptional({ format: 'date-time' })
  editedAt?: string;

  @ApiPropertyOptional({ enum: [true], description: 'A tombstone' })
  deleted?: true;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'emoji → who reacted, in order',
    example: { '👍': ['ada', 'linus'] },
  })
  reactions?: Record<string, string[]>;

  @ApiPropertyOptional({
    description: 'A moderator removed it (a tombstone): who, and why if they said',
    example: { by: 'mo', reason: 'spam' },
  })
  removed?: { by: string; reason?: string };

  @ApiPropertyOptional({
    description: 'The message it answers: id, seq, author and first line (empty and `deleted` when it is gone)',
    example: { id: 'b3c1…', seq: 41, username: 'ada', msg: 'Who is in for lunch?' },
  })
  replyTo?: { id: string; seq?: number; username?: string; msg?: string; deleted?: true };
}

export class RoomMessagesPage {
  @ApiProperty()
  room!: string;

  @ApiProperty({ type: [RoomMessage], description: 'Newest first' })
  messages!: RoomMessage[];

  @ApiProperty({ description: 'Older messages remain: pass the last `id` as `before`' })
  hasMore!: boolean;
}

export class PrivateMessage {
  @ApiProperty()
  msg!: string;

  @ApiProperty()
  from!: string;

  @ApiProperty()
  to!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty()
  id!: string;

  @ApiProperty({
    description: 'Its place in the log: grows along the conversation (with gaps); what `read {with, seq}` and `private_sync` take',
    example: 4812,
  })
  seq!: number;

  @ApiProperty({ description: "The conversation's cursor at this message (its `seq`)", example: 4812 })
  cursor!: number;

  @ApiProperty({
    description: "The sender's stable public id, under any name they had (never the user id)",
    example: 'XF7a1Ov6lT9H6w-QClWdgZ',
  })
  authorId!: string;

  @ApiPropertyOptional()
  clientId?: string;

  @ApiPropertyOptional({ type: Attachment })
  attachment?: Attachment;

  @ApiPropertyOptional({ format: 'date-time' })
  editedAt?: string;

  @ApiPropertyOptional({ enum: [true], description: 'A tombstone' })
  deleted?: true;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'emoji → who reacted, in order',
    example: { '❤️': ['ada'] },
  })
  reactions?: Record<string, string[]>;
}

export class PrivateMessagesPage {
  @ApiProperty({ description: 'The other side of the conversation' })
  with!: string;

  @ApiProperty({ type: [PrivateMessage], description: 'Newest first' })
  messages!: PrivateMessage[];

  @ApiProperty()
  hasMore!: boolean;
}

export class ConversationSummary {
  @ApiProperty({ description: 'The other side, by their current name', example: 'ada' })
  with!: string;

  @ApiProperty({ type: PrivateMessage, description: 'The last message, either way' })
  last!: PrivateMessage;

  @ApiProperty({ description: 'Messages by the other after your read marker in this conversation', example: 2 })
  unread!: number;
}

export class ConversationList {
  @ApiProperty({ type: [ConversationSummary], description: 'Most recent first, at most 100' })
  conversations!: ConversationSummary[];
}

export class RoomUnread {
  @ApiProperty({ example: 'General' })
  room!: string;

  @ApiProperty({ description: 'Messages by others after `readSeq`, deleted ones excluded', example: 3 })
  count!: number;

  @ApiProperty({
    description: 'How many of them mention you (`@name`; among the newest 5,000 unread beyond the history window)',
    example: 1,
  })
  mentions!: number;

  @ApiProperty({ description: 'The seq read up to (a first join starts it at the newest message)', example: 118 })
  readSeq!: number;
}

export class ConversationUnread {
  @ApiProperty({ description: 'The other side, by their current name', example: 'ada' })
  with!: string;

  @ApiProperty({ description: 'Messages by them after `readSeq`', example: 2 })
  count!: number;

  @ApiProperty({ description: 'Always 0: mentions are counted in rooms', example: 0 })
  mentions!: number;

  @ApiProperty({ description: 'The `seq` read up to (0: nothing read yet)', example: 4790 })
  readSeq!: number;
}

export class UnreadList {
  @ApiProperty({ type: [RoomUnread], description: 'One entry per room you are in' })
  rooms!: RoomUnread[];

  @ApiProperty({ type: [ConversationUnread], description: 'One entry per private conversation, most recent first, at most 100' })
  conversations!: ConversationUnread[];
}

export class OnlineUser {
  @ApiProperty()
  username!: string;

  @ApiProperty({ type: [String] })
  rooms!: string[];
}

export class OnlineUsers {
  @ApiProperty({ type: [OnlineUser] })
  users!: OnlineUser[];
}

export class Health {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class ReadinessAnswer {
  @ApiProperty({ enum: ['ready', 'not_ready'] })
  status!: string;

  @ApiProperty()
  ready!: boolean;

  @ApiPropertyOptional({ description: 'The last event position in the store' })
  head?: number;

  @ApiProperty({ description: 'The last event position applied to the read models of this node' })
  projected!: number;

  @ApiPropertyOptional({ description: 'Why not ready' })
  reason?: string;
}
