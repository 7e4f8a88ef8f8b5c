import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiSession, SET_COOKIE } from './api-models';
import { join } from 'node:path';
import { SessionCookie } from './session-cookie';

export const PUBLIC_DIR = join(__dirname, '..', '..', '..', 'public');

/**
 * The chat page, and a cookie naming a session to come (kept when the request has one already):
 * the socket that follows starts the guest under it. Serving the page writes nothing.
 */
@Controller()
export class PageController {
  constructor(private readonly sessions: SessionCookie) {}

  @Get()
  @ApiTags('page')
  @ApiOperation({
    summary: 'The chat page, and a session cookie the socket that follows starts or resumes',
    description:
      'Writes nothing: without a valid cookie it sets one naming a session to come, whose guest starts when a socket connects with it (or on `POST /api/session`); a valid cookie is kept.',
  })
  @ApiSession()
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'public/index.html', schema: { type: 'string' }, headers: SET_COOKIE })
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.offer(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(PUBLIC_DIR, 'index.html'));
  }
}
