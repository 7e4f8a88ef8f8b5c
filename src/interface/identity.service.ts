import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartGuestSessionCommand } from '../application/commands/start-guest-session.command';
import type { Actor } from '../application/context';
import { AppConfig } from '../application/ports/app-config';
import { IdGenerator } from '../application/ports/id-generator.port';
import { RateLimiter, type RateRule } from '../application/ports/rate-limiter.port';
import { TokenSigner, parseTokenSubject, tokenSubject } from '../application/ports/token-signer.port';
import { Clock } from '../application/ports/clock.port';
import { GetUsernameQuery, ResolveSessionQuery, type RefusedToken } from '../application/queries/users.queries';

export interface Identity {
  readonly actor: Actor;
  readonly token: string;
  readonly tokenId: string;
  readonly account: boolean;
  /** false when a new guest session was started */
  readonly resumed: boolean;
  /** A guest started just now under an id made here (not one a token named): none of its streams existed. */
  readonly newUser?: boolean;
  /** why a presented token was not accepted */
  readonly refused?: RefusedToken['refused'];
}

/**
 * An identity, every field present and in one order: objects of one shape share V8's description of
 * it, where spreading optional fields in gave each identity a shape of its own (about 240 bytes each,
 * for every socket being identified and every request that resumes a session).
 */
const identityOf = (
  actor: Actor,
  token: string,
  tokenId: string,
  account: boolean,
  resumed: boolean,
  newUser: boolean | undefined,
  refused: RefusedToken['refused'] | undefined,
): Identity => ({ actor, token, tokenId, account, resumed, newUser, refused });

/** A token that was not accepted; `pending` when it is a valid token of a session not started yet. */
export interface Refusal {
  readonly refused: RefusedToken['refused'];
  readonly pending?: { readonly sessionId: string; readonly tokenId: string };
}

/** An address started `GUESTS_PER_IP` guests within the hour; `retryAfterMs` says when the next may start. */
export class TooManyGuestsError extends Error {
  readonly code = 'too_many_guests';

  constructor(readonly retryAfterMs: number) {
    super(`Too many new guests from this address; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/**
 * Resumes the session a token stands for, or starts a guest. Nothing is written until a guest is
 * really wanted (a socket connects, or a client asks for a session): the page and reads only get a
 * signed token of a session to come (`pendingToken`), and the guest is started under that id later.
 */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);
  /** Guests being started under a pending id, so two tabs connecting at once make one; only what is in flight. */
  private readonly starting = new Map<string, Promise<Actor>>();
  private readonly guestRule: RateRule;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly signer: TokenSigner,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    config: AppConfig,
  ) {
    this.guestRule = { perSecond: config.guestsPerIp / 3600, burst: config.guestsPerIp };
  }

  /**
   * The session of `token`, or a guest started for `address`: under the token's id when it is a
   * valid token of a session not started yet (the same token then stands for it), else a fresh one.
   * Throws TooManyGuestsError when the address started too many guests.
   */
  async identify(token: unknown, address: string): Promise<Identity> {
    const found = await this.resume(token);
    if (found !== undefined && 'actor' in found) return found;
    if (found?.pending !== undefined && typeof token === 'string') {
      const actor = await this.startGuest(address, found.pending.sessionId);
      return identityOf(actor, token, found.pending.tokenId, false, false, undefined, undefined);
    }
    const actor = await this.startGuest(address, undefined);
    const { token: issued, tokenId } = this.issue(actor, false);
    return identityOf(actor, issued, tokenId, false, false, true, found?.refused);
  }

  /** The session a token stands for, without starting one: undefined without a token. */
  async resume(token: unknown): Promise<Identity | Refusal | undefined> {
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const session = await this.queryBus.execute(new ResolveSessionQuery(token));
    if (!('refused' in session)) {
      const { tokenId, account, ...actor } = session;
      return identityOf(actor, token, tokenId, account, true, undefined, undefined);
    }
    if (session.refused === 'unknown_session') {
      // Signed and unexpired: a session to come (see pendingToken).
      const { sessionId, tokenId } = parseTokenSubject(this.signer.verify(token) ?? '');
      return { refused: session.refused, pending: { sessionId, tokenId } };
    }
    this.logger.warn({ reason: session.refused, outcome: 'rejected' }, 'session token refused');
    return { refused: session.refused };
  }

  /**
   * `token` when it already stands for a session (started or to come), else a new signed token for
   * a session id that does not exist yet. Writes nothing.
   */
  async pendingToken(token: unknown): Promise<{ token: string; issued: boolean }> {
    const found = await this.resume(token);
    if (typeof token === 'string' && found !== undefined && ('actor' in found || found.pending !== undefined))
      return { token, issued: false };
    return { token: this.signer.sign(tokenSubject(this.ids.id(), this.ids.id(), this.clock.now())), issued: true };
  }

  /** A new token for a session: one per sign-in, so each can be signed out alone. */
  issue(actor: Actor, account: boolean): Omit<Identity, 'resumed'> {
    const tokenId = this.ids.id();
    return { actor, token: this.signer.sign(tokenSubject(actor.userId, tokenId, this.clock.now())), tokenId, account };
  }

  private startGuest(address: string, userId: string | undefined): Promise<Actor> {
    if (userId === undefined) return this.createGuest(address, undefined);
    const inFlight = this.starting.get(userId);
    if (inFlight !== undefined) return inFlight;
    const started = this.createGuest(address, userId).finally(() => this.starting.delete(userId));
    this.starting.set(userId, started);
    return started;
  }

  private async createGuest(address: string, userId: string | undefined): Promise<Actor> {
    if (userId !== undefined) {
      // Started meanwhile (by another path): that is a resume, which never counts.
      const username = await this.queryBus.execute(new GetUsernameQuery(userId));
      if (username !== undefined) return { userId, username };
    }
    const key = `guests:ip:${address}`;
    const decision = await this.limiter.consume(key, this.guestRule);
    if (!decision.allowed) {
      this.logger.warn({ address, outcome: 'rejected', code: 'too_many_guests' }, 'guest refused');
      throw new TooManyGuestsError(decision.retryAfterMs);
    }
    let actor: Actor;
    try {
      actor = await this.commandBus.execute(new StartGuestSessionCommand({ correlationId: this.ids.id() }, userId));
    } catch (error) {
      // No guest was started: the address gets its token back.
      await this.limiter.refund(key, this.guestRule, 1).catch(() => undefined);
      throw error;
    }
    this.logger.log({ userId: actor.userId, username: actor.username }, 'guest session started');
    return actor;
  }
}
