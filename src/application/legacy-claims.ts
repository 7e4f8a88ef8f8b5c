import { Injectable, Logger } from '@nestjs/common';
import { usernameDecider, usernameStream } from '../domain/username/username.decider';
import { CommandExecutor } from './command-executor';
import { IdGenerator } from './ports/id-generator.port';
import { UsersReadModel } from './read-models/users.read-model';

/**
 * Claims written before names compared by their skeleton sit on `username-<NFKC-lowercased name>`. At start,
 * once the read models have caught up, each of them not yet on its key's own stream is carried over there
 * (`CarryOverClaim`: claimed if free, in log order, so the first claim of a key keeps it), so that a
 * look-alike of an old name meets its claim on `username-<key>` like any other, and no map of every claim
 * is kept. It is idempotent, and safe on several nodes at once: a stream already claimed is left as it is.
 */
/** Claims carried over at once. */
const CONCURRENCY = 16;

@Injectable()
export class LegacyClaims {
  private readonly logger = new Logger(LegacyClaims.name);

  constructor(
    private readonly executor: CommandExecutor,
    private readonly users: UsersReadModel,
    private readonly ids: IdGenerator,
  ) {}

  async carryOver(): Promise<void> {
    const claims = this.users.legacyClaims();
    if (claims.length === 0) return;
    const context = { correlationId: this.ids.id() };
    let carried = 0;
    // One claim per key, each on its own stream: several at a time.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < claims.length) {
        const [key, claim] = claims[next++]!;
        const command = { type: 'CarryOverClaim' as const, data: { ...claim } };
        carried += (await this.executor.execute(usernameStream(key), usernameDecider, command, context)).length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claims.length) }, worker));
    this.logger.log({ claims: claims.length, carried }, 'old name claims carried over to their skeleton streams');
  }
}
