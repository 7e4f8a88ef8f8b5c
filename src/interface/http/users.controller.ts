import { AppConfig } from '../../application/ports/app-config';
import { Controller, Get, HttpException, HttpStatus, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GetUserRoomsQuery } from '../../application/queries/rooms.queries';
import { GetOnlineUsersQuery, GetPrivateConversationQuery } from '../../application/queries/users.queries';
import { privateMessagePayload } from '../ws/client-payloads';
import { toClientError } from '../client-error';
import { badRequest, notFound, parseBefore, parseLimit } from './http-errors';
import { GetReadinessQuery, type Readiness } from '../../application/queries/readiness.query';

import {
  ApiErrors,
  ApiPage,
  ApiSession,
  Health,
  OnlineUsers,
  PrivateMessagesPage,
  ReadinessAnswer,
  SessionAnswer,
  SET_COOKIE,
  UNAVAILABLE,
} from './api-models';
import { SessionCookie } from './session-cookie';

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

  /** Who am I: resumes the session cookie, or starts a guest session and sets the cookie. */
  @Get('api/session')
  @ApiTags('users')
  @ApiOperation({ summary: 'Who am I: resumes the session cookie, or starts a guest session and sets it' })
  @ApiSession()
  @ApiOkResponse({ type: SessionAnswer, headers: SET_COOKIE })
  async session(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ username: string; resumed: boolean; account: boolean; rooms: string[]; maxUploadBytes: number }> {
    const identity = await this.sessions.ensure(req, res);
    const rooms = await this.queryBus.execute(new GetUserRoomsQuery(identity.actor.userId));
    return {
      username: identity.actor.username,
      resumed: identity.resumed,
      account: identity.account,
      rooms,
      maxUploadBytes: this.config.maxUploadBytes,
    };
  }

  /** A private conversation with `username`, newest first: `before` a message id, `limit` 1…100. */
  @Get('api/private/:username/messages')
  @ApiTags('users')
  @ApiOperation({ summary: 'A page of your private conversation with `username`, newest first' })
  @ApiSession()
  @ApiParam({ name: 'username', description: 'The other side' })
  @ApiPage()
  @ApiOkResponse({ type: PrivateMessagesPage, headers: SET_COOKIE })
  @ApiErrors(
    [400, ['invalid_query'], 'A bad `limit` or `before` (named in `field`)'],
    [404, ['user_not_found'], 'No user of that name'],
    UNAVAILABLE,
  )
  async privateMessages(
    @Param('username') username: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const identity = await this.sessions.ensure(req, res);
    const limit = parseLimit(query.limit);
    const before = parseBefore(query.before);
    // Pages older than the window in memory are read from the store: if it fails, the whole page does.
    const page = await this.queryBus
      .execute(new GetPrivateConversationQuery(identity.actor.userId, username, before, limit))
      .catch((error: unknown) => {
        const { internal, code, message } = toClientError(error);
        if (internal) throw error;
        throw new HttpException({ error: { code, message } }, HttpStatus.SERVICE_UNAVAILABLE);
      });
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
