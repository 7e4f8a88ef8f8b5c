import { AppConfig } from '../../application/ports/app-config';
import { Controller, Get, HttpCode, HttpException, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GetUserRoomsQuery } from '../../application/queries/rooms.queries';
import { GetOnlineUsersQuery, GetPrivateConversationQuery } from '../../application/queries/users.queries';
import { privateMessagePayload } from '../ws/client-payloads';
import { toClientError } from '../client-error';
import { GetUnreadQuery } from '../../application/queries/unread.query';
import { GetPrivateConversationsQuery } from '../../application/queries/private-conversations.query';
import { badRequest, notFound, parseBefore, parseLimit } from './http-errors';
import { GetReadinessQuery, type Readiness } from '../../application/queries/readiness.query';

import {
  ApiErrors,
  ApiPage,
  ApiSession,
  Health,
  OnlineUsers,
  ConversationList,
  PrivateMessagesPage,
  UnreadList,
  ReadinessAnswer,
  SessionAnswer,
  SET_COOKIE,
  UNAVAILABLE,
} from './api-models';
import { SessionCookie } from './session-cookie';
import type { Identity } from '../identity.service';

type SessionBody = { username: string; resumed: boolean; account: boolean; rooms: string[]; maxUploadBytes: number };

const sessionRequired = (message: string): HttpException =>
  new HttpException({ error: { code: 'session_required', message } }, HttpStatus.UNAUTHORIZED);

/** A read the store failed (older pages, counts, sessions read on demand): 503 with the client's code; a bug stays a bug. */
const unavailableWhenTheStoreIs = (error: unknown): never => {
  const { internal, code, message } = toClientError(error);
  if (internal) throw error;
  throw new HttpException({ error: { code, message } }, HttpStatus.SERVICE_UNAVAILABLE);
};

@Controller()
export class UsersController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
    private readonly config: AppConfig,
  ) {}

  @Get('api/users')
  @ApiTags('users')
  @ApiOperation({ summary: 'The online users and their rooms' })
  @ApiOkResponse({ type: OnlineUsers })
  async users(): Promise<{ users: { username: string; rooms: string[] }[] }> {
    return { users: await this.queryBus.execute(new GetOnlineUsersQuery()) };
  }

  /** Who am I: the session of the cookie. Without one it writes nothing: 401, and a cookie for a session to come. */
  @Get('api/session')
  @ApiTags('users')
  @ApiOperation({
    summary: 'Who am I: the session of the cookie',
    description:
      'Never starts a session. Without an established one: 401 `session_required`, and (unless the request already has one) a cookie naming a session to come, which the socket that connects with it or `POST /api/session` starts.',
  })
  @ApiSession()
  @ApiOkResponse({ type: SessionAnswer })
  @ApiErrors([401, ['session_required'], 'No established session: connect a socket or `POST /api/session` first'])
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionBody> {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) {
      await this.sessions.offer(req, res);
      throw sessionRequired('No session yet: connect, or POST /api/session to start one');
    }
    return this.answer(identity);
  }

  /** Give me a session: resumes the cookie's, or starts a guest (under the cookie's pending id, if any) and sets it. */
  @Post('api/session')
  @HttpCode(200)
  @ApiTags('users')
  @ApiOperation({
    summary: "Resumes the cookie's session (200), or starts a guest and sets the cookie (201)",
    description:
      'A cookie naming a session to come (from `GET /`) gets its guest under that id. New guests count against `GUESTS_PER_IP` (per address and hour); resuming never does.',
  })
  @ApiSession()
  @ApiOkResponse({ type: SessionAnswer, description: 'The session of the cookie, resumed' })
  @ApiCreatedResponse({ type: SessionAnswer, headers: SET_COOKIE, description: 'A guest was started' })
  @ApiErrors([429, ['rate_limited'], 'Too many guests started from this address (`Retry-After` header and `retryAfterMs`)'], UNAVAILABLE)
  async startSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionBody> {
    const identity = await this.sessions.start(req, res);
    if (!identity.resumed) res.status(HttpStatus.CREATED);
    return this.answer(identity);
  }

  private async answer(identity: Identity): Promise<SessionBody> {
    const rooms = await this.queryBus.execute(new GetUserRoomsQuery(identity.actor.userId));
    return {
      username: identity.actor.username,
      resumed: identity.resumed,
      account: identity.account,
      rooms,
      maxUploadBytes: this.config.maxUploadBytes,
    };
  }

  /** Your unread count in each of your rooms and private conversations. */
  @Get('api/unread')
  @ApiTags('users')
  @ApiOperation({
    summary: 'Your unread count in each of your rooms and private conversations',
    description:
      'Counted from the log: messages by others after your read marker (moved with the socket event `read`), deleted ones excluded. The same on every device.',
  })
  @ApiSession()
  @ApiOkResponse({ type: UnreadList })
  @ApiErrors([401, ['session_required'], 'No established session (none is started for a read)'], UNAVAILABLE)
  async unread(@Req() req: Request): Promise<UnreadList> {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) throw sessionRequired('Unread counts need a session');
    const userId = identity.actor.userId;
    const [rooms, conversations] = await Promise.all([
      this.queryBus.execute(new GetUnreadQuery(userId)),
      this.queryBus.execute(new GetPrivateConversationsQuery(userId)),
    ]).catch(unavailableWhenTheStoreIs);
    return {
      rooms,
      conversations: conversations.map((entry) => ({ with: entry.with, count: entry.unread, mentions: 0, readSeq: entry.readSeq })),
    };
  }

  /** Your private conversations, most recent first, each with its last message and unread count. */
  @Get('api/private')
  @ApiTags('users')
  @ApiOperation({
    summary: 'Your private conversations, most recent first, each with its last message and unread count',
    description: 'Also those with people who were offline when written to: what they find when they come back.',
  })
  @ApiSession()
  @ApiOkResponse({ type: ConversationList })
  @ApiErrors([401, ['session_required'], 'No established session (none is started for a read)'], UNAVAILABLE)
  async conversations(@Req() req: Request) {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) throw sessionRequired('Private conversations need a session');
    const list = await this.queryBus.execute(new GetPrivateConversationsQuery(identity.actor.userId)).catch(unavailableWhenTheStoreIs);
    return { conversations: list.map((entry) => ({ with: entry.with, last: privateMessagePayload(entry.last), unread: entry.unread })) };
  }

  /** A private conversation with `username`, newest first: `before` a message id, `limit` 1…100. */
  @Get('api/private/:username/messages')
  @ApiTags('users')
  @ApiOperation({ summary: 'A page of your private conversation with `username`, newest first' })
  @ApiSession()
  @ApiParam({ name: 'username', description: 'The other side' })
  @ApiPage()
  @ApiOkResponse({ type: PrivateMessagesPage })
  @ApiErrors(
    [400, ['invalid_query'], 'A bad `limit` or `before` (named in `field`)'],
    [401, ['session_required'], 'No established session (none is started for a read)'],
    [404, ['user_not_found'], 'No user of that name'],
    UNAVAILABLE,
  )
  async privateMessages(@Param('username') username: string, @Query() query: Record<string, unknown>, @Req() req: Request) {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) throw sessionRequired('Private conversations need a session');
    const limit = parseLimit(query.limit);
    const before = parseBefore(query.before);
    // Pages older than the window in memory are read from the store: if it fails, the whole page does.
    const page = await this.queryBus
      .execute(new GetPrivateConversationQuery(identity.actor.userId, username, before, limit))
      .catch(unavailableWhenTheStoreIs);
    if (page === 'user_not_found') throw notFound('user_not_found', `No user named ${username}`);
    if (page === 'unknown_message') throw badRequest('before', `No message ${String(before)} in this conversation`);
    return { with: username, messages: page.messages.map(privateMessagePayload), hasMore: page.hasMore };
  }

  @Get('health')
  @ApiTags('operations')
  @ApiOperation({ summary: 'Liveness: answers while the process runs' })
  @ApiOkResponse({ type: Health })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiTags('operations')
  @ApiOperation({ summary: 'Readiness: the event store answers and the read models have caught up' })
  @ApiOkResponse({ type: ReadinessAnswer, description: '`status: ready`' })
  @ApiServiceUnavailableResponse({ type: ReadinessAnswer, description: '`status: not_ready`, with `reason`' })
  async ready(): Promise<Readiness & { status: string }> {
    const readiness = await this.queryBus.execute(new GetReadinessQuery());
    if (!readiness.ready) throw new HttpException({ status: 'not_ready', ...readiness }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready', ...readiness };
  }
}
