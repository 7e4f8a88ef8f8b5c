import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiSession, SET_COOKIE } from './api-models';
import { join } from 'node:path';
import { SessionCookie } from './session-cookie';

export const PUBLIC_DIR = join(__dirname, '..', '..', '..', 'public');

/** The chat page. Setting the session cookie here means the socket that follows resumes it. */
@Controller()
export class PageController {
  constructor(private readonly sessions: SessionCookie) {}

  @Get()
  @ApiTags('page')
  @ApiOperation({ summary: 'The chat page (and the session cookie, so the socket that follows resumes it)' })
  @ApiSession()
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'public/index.html', schema: { type: 'string' }, headers: SET_COOKIE })
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.ensure(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(PUBLIC_DIR, 'index.html'));
  }
}
