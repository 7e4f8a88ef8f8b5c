import { Body, Controller, HttpCode, HttpException, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { RegisterAccountCommand, SignInCommand, SignOutCommand } from '../../application/commands/accounts.commands';
import { AppConfig } from '../../application/ports/app-config';
import { IdGenerator } from '../../application/ports/id-generator.port';
import { RateLimiter, type RateRule } from '../../application/ports/rate-limiter.port';
import { invisibleCharacterIn, normaliseUsername } from '../../domain/username/username.decider';
import { toClientError } from '../client-error';
import { IdentityService, TooManyGuestsError } from '../identity.service';
import { SESSION_COOKIE, sessionCookieOptions, tokenFromCookieHeader } from '../session-token';
import { AccountAnswer, ApiErrors, ApiSession, Credentials as CredentialsBody, SET_COOKIE, UNAVAILABLE } from './api-models';
import { SessionCookie } from './session-cookie';

const USERNAME = /^[\p{L}\p{N}_.-]{3,32}$/u;

type Credentials = { username: string; password: string };

const fieldError = (field: string, message: string): HttpException =>
  new HttpException({ error: { code: 'invalid_payload', field, message } }, HttpStatus.BAD_REQUEST);

const credentials = (body: unknown, newName = false): Credentials => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw fieldError('body', 'Expected a JSON object {username, password}');
  const { username, password, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw fieldError(extra, `Unexpected field "${extra}"`);
  // A name being chosen: invisible characters are named as such, before the general shape rule.
  const invisible = newName && typeof username === 'string' ? invisibleCharacterIn(username) : undefined;
  if (invisible !== undefined) throw new HttpException({ error: { code: 'invalid_name', message: invisible } }, HttpStatus.BAD_REQUEST);
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    throw fieldError('username', 'username must be 3 to 32 letters, digits, "_", "." or "-"');
  }
  if (typeof password !== 'string' || password.length < 8 || password.length > 256) {
    throw fieldError('password', 'password must be 8 to 256 characters');
  }
  return { username, password };
};

const STATUS: Record<string, HttpStatus> = {
  name_taken: HttpStatus.CONFLICT,
  already_registered: HttpStatus.CONFLICT,
  invalid_credentials: HttpStatus.UNAUTHORIZED,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const asHttp = (error: unknown): unknown => {
  if (error instanceof HttpException) return error;
  const { internal, ...rejection } = toClientError(error);
  return internal ? error : new HttpException({ error: rejection }, STATUS[rejection.code] ?? HttpStatus.BAD_REQUEST);
};

/** Accounts: register (a guest keeps their session and messages), sign in, sign out. Passwords are never logged or returned. */
@ApiTags('accounts')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly identities: IdentityService,
    private readonly sessions: SessionCookie,
    private readonly limiter: RateLimiter,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  @Post('register')
  @HttpCode(201)
  @ApiOperation({ summary: "Turns the current session (a guest) into an account; it keeps its name's messages and rooms" })
  @ApiSession()
  @ApiBody({ type: CredentialsBody, description: 'Exactly these two fields' })
  @ApiCreatedResponse({ type: AccountAnswer, headers: SET_COOKIE })
  @ApiErrors(
    [
      400,
      ['invalid_payload', 'invalid_name', 'session_ended'],
      'A missing, malformed or unexpected field (named in `field`), a name with an invisible or control character, or a session that has ended',
    ],
    [
      409,
      ['name_taken', 'already_registered'],
      'The name, or a look-alike of it, belongs to someone else (names compare by their confusable skeleton), or this session is already an account',
    ],
    [
      429,
      ['rate_limited'],
      'Too many registrations, or (without a session) too many guests started, from this address (`Retry-After` header and `retryAfterMs`), or too many passwords being checked at once',
    ],
    UNAVAILABLE,
  )
  async register(
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ username: string; account: true }> {
    const { username, password } = credentials(body, true);
    try {
      await this.take(
        `register:ip:${req.ip ?? 'unknown'}`,
        this.config.rateLimits.registrations,
        res,
        'Too many registrations from this address; wait a little',
      );
      // Without an established session the guest is started first (counted against GUESTS_PER_IP).
      const { actor } = await this.sessions.start(req, res);
      const account = await this.commandBus.execute(
        new RegisterAccountCommand(actor.userId, username, password, { correlationId: this.ids.id() }),
      );
      return { username: account.username, account: true };
    } catch (error) {
      throw asHttp(error);
    }
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Signs in: a new session cookie for the account' })
  @ApiBody({ type: CredentialsBody, description: 'Exactly these two fields' })
  @ApiOkResponse({
    type: AccountAnswer,
    headers: { 'Set-Cookie': { description: `The account's new session cookie`, schema: { type: 'string' } } },
  })
  @ApiErrors(
    [400, ['invalid_payload'], 'A missing, malformed or unexpected field (named in `field`)'],
    [401, ['invalid_credentials'], 'Unknown name or wrong password (the same answer for both)'],
    [
      429,
      ['rate_limited'],
      'Too many attempts from this address, or for this name from it (`Retry-After` header and `retryAfterMs`); or too many passwords being checked at once',
    ],
    UNAVAILABLE,
  )
  async login(
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ username: string; account: true }> {
    const { username, password } = credentials(body);
    try {
      // Per address, and per name from that address: attempts from elsewhere never lock the owner out.
      const address = req.ip ?? 'unknown';
      for (const key of [`login:ip:${address}`, `login:name:${normaliseUsername(username)}:${address}`]) {
        await this.take(key, this.config.rateLimits.signIns, res, 'Too many sign-in attempts; wait a little');
      }
      const actor = await this.commandBus.execute(new SignInCommand(username, password));
      res.cookie(SESSION_COOKIE, this.identities.issue(actor, true).token, sessionCookieOptions(req.secure, this.config.sessionMaxAgeDays));
      return { username: actor.username, account: true };
    } catch (error) {
      throw asHttp(error);
    }
  }

  /** One token from the bucket `key`, or a 429 `rate_limited` with `Retry-After`. */
  private async take(key: string, rule: RateRule, res: Response, message: string): Promise<void> {
    const decision = await this.limiter.consume(key, rule);
    if (decision.allowed) return;
    res.setHeader('Retry-After', Math.ceil(decision.retryAfterMs / 1000));
    throw new HttpException(
      { error: { code: 'rate_limited', message, retryAfterMs: decision.retryAfterMs } },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Ends this token's session and hands out a fresh guest; the old token no longer works anywhere. */
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: "Ends this token's session everywhere (its sockets get `session_ended`) and starts a fresh guest" })
  @ApiSession()
  @ApiOkResponse({
    type: AccountAnswer,
    description: '`account` is false: the new guest',
    headers: { 'Set-Cookie': { description: 'The new guest session cookie', schema: { type: 'string' } } },
  })
  @ApiErrors(
    [429, ['rate_limited'], 'Signed out, but too many guests were started from this address: the cookie names a session to come'],
    UNAVAILABLE,
  )
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ username: string; account: false }> {
    try {
      const token = tokenFromCookieHeader(req.headers.cookie);
      const current = await this.identities.resume(token);
      const signedIn = current !== undefined && 'actor' in current;
      if (signedIn) {
        await this.commandBus.execute(new SignOutCommand(current.actor.userId, current.tokenId, { correlationId: this.ids.id() }));
      }
      // The fresh guest counts against GUESTS_PER_IP; when refused, the old token is still replaced.
      const guest = await this.identities.identify(signedIn ? undefined : token, req.ip ?? 'unknown').catch(async (error: unknown) => {
        if (error instanceof TooManyGuestsError) this.sessions.set(req, res, (await this.identities.pendingToken(undefined)).token);
        throw this.sessions.asHttp(error, res);
      });
      res.cookie(SESSION_COOKIE, guest.token, sessionCookieOptions(req.secure, this.config.sessionMaxAgeDays));
      return { username: guest.actor.username, account: false };
    } catch (error) {
      throw asHttp(error);
    }
  }
}
