import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartGuestSessionCommand } from '../application/commands/start-guest-session.command';
import type { Actor } from '../application/context';
import { IdGenerator } from '../application/ports/id-generator.port';
import { TokenSigner, tokenSubject } from '../application/ports/token-signer.port';
import { Clock } from '../application/ports/clock.port';
import { ResolveSessionQuery, type RefusedToken } from '../application/queries/users.queries';

export interface Identity {
  readonly actor: Actor;
  readonly token: string;
  readonly tokenId: string;
  readonly account: boolean;
  /** false when a new guest session was started */
  readonly resumed: boolean;
  /** why a presented token was not accepted */
  readonly refused?: RefusedToken['refused'];
}

/** Resumes the session a token stands for, or starts a fresh guest session. */
@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly signer: TokenSigner,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async identify(token: unknown): Promise<Identity> {
    const resumed = await this.resume(token);
    if (resumed === undefined) return this.startGuest(undefined);
    return 'actor' in resumed ? resumed : this.startGuest(resumed.refused);
  }

  /** The session a token stands for, without starting one: undefined without a token. */
  async resume(token: unknown): Promise<Identity | { refused: RefusedToken['refused'] } | undefined> {
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const session = await this.queryBus.execute(new ResolveSessionQuery(token));
    if (!('refused' in session)) {
      const { tokenId, account, ...actor } = session;
      return { actor, token, tokenId, account, resumed: true };
    }
    this.logger.warn({ reason: session.refused, outcome: 'rejected' }, 'session token refused');
    return { refused: session.refused };
  }

  private async startGuest(refused: Identity['refused']): Promise<Identity> {
    const actor = await this.commandBus.execute(new StartGuestSessionCommand({ correlationId: this.ids.id() }));
    this.logger.log({ userId: actor.userId, username: actor.username }, 'guest session started');
    return { ...this.issue(actor, false), resumed: false, ...(refused ? { refused } : {}) };
  }

  /** A new token for a session: one per sign-in, so each can be signed out alone. */
  issue(actor: Actor, account: boolean): Omit<Identity, 'resumed'> {
    const tokenId = this.ids.id();
    return { actor, token: this.signer.sign(tokenSubject(actor.userId, tokenId, this.clock.now())), tokenId, account };
  }
}
