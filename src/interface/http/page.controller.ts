import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { SessionCookie } from './session-cookie';

export const PUBLIC_DIR = join(__dirname, '..', '..', '..', 'public');

/** The chat page. Setting the session cookie here means the socket that follows resumes it. */
@Controller()
export class PageController {
  constructor(private readonly sessions: SessionCookie) {}

  @Get()
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.ensure(req, res);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(PUBLIC_DIR, 'index.html'));
  }
}
