import { Controller, Get, HttpException, HttpStatus, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { GetOnlineUsersQuery } from '../../application/queries/users.queries';
import { GetReadinessQuery, type Readiness } from '../../application/queries/readiness.query';

import { SessionCookie } from './session-cookie';

@Controller()
export class UsersController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
  ) {}

  @Get('api/users')
  async users(): Promise<{ users: { username: string; rooms: string[] }[] }> {
    return { users: await this.queryBus.execute(new GetOnlineUsersQuery()) };
  }

  /** Who am I: resumes the session cookie, or starts a guest session and sets the cookie. */
  @Get('api/session')
  async session(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ username: string; resumed: boolean; account: boolean }> {
    const identity = await this.sessions.ensure(req, res);
    return { username: identity.actor.username, resumed: identity.resumed, account: identity.account };
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<Readiness & { status: string }> {
    const readiness = await this.queryBus.execute<GetReadinessQuery, Readiness>(new GetReadinessQuery());
    if (!readiness.ready) throw new HttpException({ status: 'not_ready', ...readiness }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ready', ...readiness };
  }
}
