import { Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { StartGuestSessionCommand } from '../application/commands/start-guest-session.command';
import type { Actor } from '../application/context';
import { IdGenerator } from '../application/ports/id-generator.port';
import { TokenSigner } from '../application/ports/token-signer.port';
import { ResolveSessionQuery } from '../application/queries/users.queries';

export interface Identity {
  readonly actor: Actor;
  readonly token: string;
  /** false when a new guest session was started */
  readonly resumed: boolean;
  /** why a presented token was not accepted */
  readonly refused?: 'invalid_token' | 'unknown_session';
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
  ) {}

  async identify(token: unknown): Promise<Identity> {
    let refused: Identity['refused'];
    if (typeof token === 'string' && token.length > 0) {
      const actor = await this.queryBus.execute<ResolveSessionQuery, Actor | null>(new ResolveSessionQuery(token));
      if (actor !== null) return { actor, token, resumed: true };
      refused = this.signer.verify(token) === null ? 'invalid_token' : 'unknown_session';
      this.logger.warn({ reason: refused }, 'session token refused');
    }
    const actor = await this.commandBus.execute<StartGuestSessionCommand, Actor>(new StartGuestSessionCommand({ correlationId: this.ids.id() }));
    this.logger.log({ userId: actor.userId, username: actor.username }, 'guest session started');
    return { actor, token: this.signer.sign(actor.userId), resumed: false, ...(refused ? { refused } : {}) };
  }
}
