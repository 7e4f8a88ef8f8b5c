import { Controller, Get, HttpException, HttpStatus, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../application/ports/app-config';
import { RateLimiter } from '../../application/ports/rate-limiter.port';
import { GetRoomAuditQuery, GetRoomMomentQuery } from '../../application/queries/room-moderation.queries';
import type { Moment, RoomMoment } from '../../application/room-timeline';
import type { RecordedEvent } from '../../application/ports/event-store.port';
import type { ModerationEvent } from '../../domain/room/room.events';
import { messagePayload, moderationPayload } from '../ws/client-payloads';
import { ApiErrors, ApiSession, UNAVAILABLE } from './api-models';
import { badRequest, parseLimit } from './http-errors';
import { AuditPage, RoomAtMoment } from './room-models';
import { refused, ROOM_REFUSALS } from './rooms.controller';
import { SessionCookie } from './session-cookie';

const NO_SESSION: [number, string[], string] = [401, ['session_required'], 'No established session'];
const LIMITED: [number, string[], string] = [
  429,
  ['rate_limited'],
  'Too many requests from this user (`Retry-After` and `retryAfterMs`): `RATE_LIMIT_JOINS`',
];

/** `?after=`: a cursor of the room (0 when absent). */
const parseAfter = (raw: unknown): number => {
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) throw badRequest('after', 'after must be a cursor from a previous page');
  return Number(raw);
};

/** `?at=`: a message's seq, or a time (ISO 8601); absent: now. */
const parseAt = (raw: unknown): Moment => {
  if (raw === undefined) return { time: new Date() };
  if (typeof raw === 'string' && /^\d{1,10}$/.test(raw) && Number(raw) >= 1) return { seq: Number(raw) };
  const time = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(time)) throw badRequest('at', 'at must be a message seq (1, 2, …) or a time in ISO 8601');
  return { time: new Date(time) };
};

const restrictions = (moment: RoomMoment, map: ReadonlyMap<string, { until: number | null }>) =>
  [...map].map(([userId, { until }]) => ({
    user: moment.names.get(userId) ?? userId,
    ...(until !== null ? { until: new Date(until).toISOString() } : {}),
  }));

/** The room as it stood, with names for the ids its state keeps. */
const momentPayload = (room: string, moment: RoomMoment) => {
  const { state } = moment;
  return {
    room,
    at: { cursor: moment.version, seq: moment.seq, ...(moment.time !== undefined ? { time: moment.time } : {}) },
    topic: state.topic,
    archived: state.archived,
    slowMode: state.slowModeSeconds,
    members: [...state.members].map(([userId, username]) => ({ user: username, role: state.roles.get(userId) ?? 'member' })),
    roles: [...state.roles].map(([userId, role]) => ({ user: moment.names.get(userId) ?? userId, role })),
    bans: restrictions(moment, state.bans),
    mutes: restrictions(moment, state.mutes),
    messages: moment.messages.map(messagePayload),
  };
};

/** A room's moderation and past, for its moderators, owners and the server's admins. */
@ApiTags('rooms')
@Controller('api/rooms')
export class RoomModerationController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  @Get(':room/audit')
  @ApiSession()
  @ApiOperation({ summary: 'Every moderation event of a room, oldest first: who did what to whom, when and why (moderators and admins)' })
  @ApiParam({ name: 'room', example: 'General' })
  @ApiQuery({ name: 'after', required: false, description: 'A cursor from a previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, 50 when absent' })
  @ApiOkResponse({ type: AuditPage })
  @ApiErrors([400, ['invalid_query'], 'A bad `after` or `limit`'], NO_SESSION, LIMITED, ...ROOM_REFUSALS, UNAVAILABLE)
  async audit(
    @Param('room') room: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const after = parseAfter(query.after);
    const limit = parseLimit(query.limit);
    const viewer = await this.viewer(req, res);
    const page = await this.queryBus.execute(new GetRoomAuditQuery(room, viewer, after, limit));
    if (typeof page === 'string') throw refused(room, page);
    const entries = page.entries.map((event: RecordedEvent<ModerationEvent>) => {
      const { room: _, ...entry } = moderationPayload(event);
      return entry;
    });
    return { room, entries, cursor: page.cursor, hasMore: page.hasMore };
  }

  @Get(':room/state')
  @ApiSession()
  @ApiOperation({
    summary:
      'A room as it stood at a moment: members, roles, bans, mutes and the last messages, folded from the log (moderators and admins)',
    description: 'Messages show the edits, removals and reactions made up to then, and nothing after.',
  })
  @ApiParam({ name: 'room', example: 'General' })
  @ApiQuery({ name: 'at', required: false, description: "Just after the room's message `seq`, or a time in ISO 8601; now when absent" })
  @ApiOkResponse({ type: RoomAtMoment })
  @ApiErrors(
    [400, ['invalid_query'], 'A bad `at`'],
    NO_SESSION,
    LIMITED,
    ...ROOM_REFUSALS,
    [404, ['message_not_found'], 'No message with that seq'],
    UNAVAILABLE,
  )
  async state(
    @Param('room') room: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const moment = parseAt(query.at);
    const viewer = await this.viewer(req, res);
    const found = await this.queryBus.execute(new GetRoomMomentQuery(room, viewer, moment));
    if (typeof found === 'string') throw refused(room, found);
    return momentPayload(room, found);
  }

  /** The caller, who must have a session; each of them reads a room's past at a join's pace (a fold can be long). */
  private async viewer(req: Request, res: Response): Promise<string> {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) {
      throw new HttpException({ error: { code: 'session_required', message: 'Sign in as a moderator first' } }, HttpStatus.UNAUTHORIZED);
    }
    const { userId } = identity.actor;
    const decision = await this.limiter.consume(`moderation:user:${userId}`, this.config.rateLimits.joins);
    if (!decision.allowed) {
      res.setHeader('Retry-After', Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new HttpException(
        { error: { code: 'rate_limited', message: 'Too many requests; wait a little', retryAfterMs: decision.retryAfterMs } },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return userId;
  }
}
