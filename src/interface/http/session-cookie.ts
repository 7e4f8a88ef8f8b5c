import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../application/ports/app-config';
import { IdentityService, TooManyGuestsError, type Identity } from '../identity.service';
import { SESSION_COOKIE, sessionCookieOptions, tokenFromCookieHeader } from '../session-token';

/**
 * The signed, HttpOnly, SameSite=Lax session cookie. `GET /` (and a read that needs a session)
 * only offers one for a session to come, writing nothing; `POST /api/session` and registering
 * start the guest.
 */
@Injectable()
export class SessionCookie {
  constructor(
    private readonly identities: IdentityService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The session of the request's cookie, or a guest started for it (under the cookie's pending id
   * when it has one) with the cookie set. 429 `rate_limited` when the address started too many guests.
   */
  async start(req: Request, res: Response): Promise<Identity> {
    let identity: Identity;
    try {
      identity = await this.identities.identify(tokenFromCookieHeader(req.headers.cookie), req.ip ?? 'unknown');
    } catch (error) {
      throw this.asHttp(error, res);
    }
    if (!identity.resumed) this.set(req, res, identity.token);
    return identity;
  }

  /**
   * Keeps the cookie when it names a session (started or to come), else sets one for a session to
   * come. Writes nothing: the guest is started when a socket connects with it or a client asks.
   */
  async offer(req: Request, res: Response): Promise<void> {
    const { token, issued } = await this.identities.pendingToken(tokenFromCookieHeader(req.headers.cookie));
    if (issued) this.set(req, res, token);
  }

  /** The established session of the request's cookie, or undefined: never starts a guest session. */
  async existing(req: Request): Promise<Identity | undefined> {
    const found = await this.identities.resume(tokenFromCookieHeader(req.headers.cookie));
    return found !== undefined && 'actor' in found ? found : undefined;
  }

  set(req: Request, res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req.secure, this.config.sessionMaxAgeDays));
  }

  /** Too many guests from this address: 429 `rate_limited` with `Retry-After`, like the other limits. */
  asHttp(error: unknown, res: Response): unknown {
    if (!(error instanceof TooManyGuestsError)) return error;
    res.setHeader('Retry-After', Math.ceil(error.retryAfterMs / 1000));
    return new HttpException(
      { error: { code: 'rate_limited', message: error.message, retryAfterMs: error.retryAfterMs } },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
