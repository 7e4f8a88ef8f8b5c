import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../application/ports/app-config';
import { IdentityService, type Identity } from '../identity.service';
import { SESSION_COOKIE, sessionCookieOptions, tokenFromCookieHeader } from '../session-token';

/** The signed, HttpOnly, SameSite=Lax session cookie that `GET /` and `GET /api/session` set. */
@Injectable()
export class SessionCookie {
  constructor(
    private readonly identities: IdentityService,
    private readonly config: AppConfig,
  ) {}

  async ensure(req: Request, res: Response): Promise<Identity> {
    const identity = await this.identities.identify(tokenFromCookieHeader(req.headers.cookie));
    if (!identity.resumed) res.cookie(SESSION_COOKIE, identity.token, sessionCookieOptions(req.secure, this.config.sessionMaxAgeDays));
    return identity;
  }

  /** The established session of the request's cookie, or undefined: never starts a guest session. */
  async existing(req: Request): Promise<Identity | undefined> {
    const found = await this.identities.resume(tokenFromCookieHeader(req.headers.cookie));
    return found !== undefined && 'actor' in found ? found : undefined;
  }
}
