import { Injectable } from '@nestjs/common';
import { sessionDecider, sessionStream, type Session } from '../domain/session/session.decider';
import { normaliseUsername, usernameDecider, usernameStream } from '../domain/username/username.decider';
import { presenceStream } from '../domain/presence/presence.decider';
import { CommandExecutor } from './command-executor';
import { AppConfig } from './ports/app-config';
import { Clock } from './ports/clock.port';
import { EventStore } from './ports/event-store.port';
import { NameKey } from './ports/name-key.port';
import { UsersReadModel } from './read-models/users.read-model';

export interface Account {
  readonly userId: string;
  readonly username: string;
  readonly passwordHash: string;
}

type Claim = { readonly userId: string; readonly username: string };

const DAY_MS = 86_400_000;
/** Above any stream's version. */
const BEYOND_ANY_VERSION = 2 ** 31 - 1;

/**
 * Sessions and names, read on demand from their streams: a session from `session-<id>`, a name's owner
 * from `username-<key>` (the key from `NameKey`). The states come from the `CommandExecutor`'s cache
 * (the `AGGREGATE_CACHE_SIZE` streams used last; a miss loads the stream, from its snapshot if any), so
 * nothing here grows with the sessions ever started.
 *
 * Claims from before the skeleton key sit on `username-<NFKC-lowercased name>`; `LegacyClaims` copies each
 * to its key's stream at start, and until then `UsersReadModel` holds them. Where two old claims share a
 * key, the first holds the key's stream and the other is still found on its own stream by its exact name.
 */
@Injectable()
export class UserDirectory {
  private readonly sessions;
  private readonly guestTtlMs: number;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly names: NameKey,
    private readonly users: UsersReadModel,
    private readonly store: EventStore,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.sessions = sessionDecider({ maxMessageLength: config.maxMessageLength });
    this.guestTtlMs = config.guestTtlDays * DAY_MS;
  }

  /**
   * Who a private message to `name` goes to: the user online under that exact name, else the user
   * whose current name it is (any case) if they are known: an account, a guest online, or a guest
   * last seen (their presence stream's newest fact) within `GUEST_TTL_DAYS`.
   */
  async recipient(name: string): Promise<Claim | undefined> {
    const user = await this.known(name);
    if (user === undefined || this.users.isOnline(user.userId)) return user;
    const session = await this.session(user.userId);
    if (session.status !== 'Active') return undefined;
    if (session.kind === 'account') return user;
    const [last] = await this.store.readStreamBackward(presenceStream(user.userId), BEYOND_ANY_VERSION, 1);
    if (last === undefined) return undefined;
    return this.clock.now().getTime() - Date.parse(last.metadata.occurredAt) <= this.guestTtlMs ? user : undefined;
  }

  /**
   * The user `name` stands for, however long ago they were seen: the user online under that exact
   * name, else the one whose current name it is (any case). Whom one's conversations are with.
   */
  async known(name: string): Promise<Claim | undefined> {
    const online = this.users.onlineUserNamed(name);
    if (online !== undefined) return online;
    const userId = await this.userCalled(name);
    if (userId === undefined) return undefined;
    const session = await this.session(userId);
    return session.status === 'Active' ? { userId, username: session.username } : undefined;
  }

  /** The session's state: `None` when it was never started. */
  async session(userId: string): Promise<Session> {
    return (await this.executor.state(sessionStream(userId), this.sessions)).state;
  }

  /** The session's current name, or undefined when it was never started. */
  async usernameOf(userId: string): Promise<string | undefined> {
    const session = await this.session(userId);
    return session.status === 'Active' ? session.username : undefined;
  }

  /** The user who claimed this name or a look-alike of it (the same `NameKey`), if anyone did. */
  async nameClaimedBy(username: string): Promise<string | undefined> {
    const key = this.names.key(username);
    return (await this.claim(usernameStream(key)))?.userId ?? this.users.legacyClaim(key)?.userId;
  }

  /** The user a claim from before names compare by their skeleton gave this name's key to, while not carried over yet (memory only). */
  legacyClaimOf(username: string): string | undefined {
    return this.users.legacyClaim(this.names.key(username))?.userId;
  }

  /** The user who has, or had, this exact name (a guest keeps their guest name's claim after registering). */
  async userIdNamed(username: string): Promise<string | undefined> {
    const online = this.users.onlineUserNamed(username);
    if (online !== undefined) return online.userId;
    for (const claim of await this.claims(username)) if (claim.username === username) return claim.userId;
    return undefined;
  }

  /** The user whose current name is this one, compared NFKC-lowercased (how a mention names them), if any. */
  async userCalled(name: string): Promise<string | undefined> {
    const wanted = normaliseUsername(name);
    for (const claim of await this.claims(name)) {
      const session = await this.session(claim.userId);
      if (session.status === 'Active' && normaliseUsername(session.username) === wanted) return claim.userId;
    }
    return undefined;
  }

  /** The account signing in under this name (compared NFKC-lowercased, as accounts always were), if any. */
  async account(username: string): Promise<Account | undefined> {
    const wanted = normaliseUsername(username);
    for (const claim of await this.claims(username)) {
      if (normaliseUsername(claim.username) !== wanted) continue;
      const session = await this.session(claim.userId);
      if (session.status === 'Active' && session.kind === 'account' && session.passwordHash !== undefined)
        if (normaliseUsername(session.username) === wanted)
          return { userId: session.sessionId, username: session.username, passwordHash: session.passwordHash };
    }
    return undefined;
  }

  /** The claims that may be of this name: on its key's stream, then an old one on its NFKC-lowercased stream. */
  private async claims(username: string): Promise<Claim[]> {
    const key = this.names.key(username);
    const found: Claim[] = [];
    const current = await this.claim(usernameStream(key));
    if (current !== undefined) found.push(current);
    const pending = this.users.legacyClaim(key);
    if (pending !== undefined) found.push(pending);
    const old = normaliseUsername(username);
    if (old !== key && (current === undefined || normaliseUsername(current.username) !== old)) {
      const legacy = await this.claim(usernameStream(old));
      if (legacy !== undefined) found.push(legacy);
    }
    return found;
  }

  private async claim(streamId: string): Promise<Claim | undefined> {
    const { state } = await this.executor.state(streamId, usernameDecider);
    return state.status === 'Claimed' ? { userId: state.userId, username: state.username } : undefined;
  }
}
