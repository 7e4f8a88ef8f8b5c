import { Injectable } from '@nestjs/common';
import type { Acting, Target } from '../domain/room/room.commands';
import type { RoomRole } from '../domain/room/room.events';
import { DomainError } from '../domain/shared/domain-error';
import type { Actor } from './context';
import { AppConfig } from './ports/app-config';
import { NameKey } from './ports/name-key.port';
import { UserDirectory } from './user-directory';
import { CommandExecutor } from './command-executor';
import { RoomRulesProvider } from './room-rules.provider';
import { Clock } from './ports/clock.port';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { roomDecider, roomStream } from '../domain/room/room.decider';
import { accessTo, type Access } from '../domain/room/room.rules';

/**
 * What a room's decisions need to know of the people involved and cannot know by themselves: whether
 * someone holds an account, and whether they are a server admin: an account whose name is one of
 * `ADMIN_USERS`, compared by the same key as names are (so a look-alike of an admin's name is not one).
 */
@Injectable()
export class RoomAuthority {
  private readonly adminKeys: ReadonlySet<string>;
  private readonly decider;

  constructor(
    private readonly directory: UserDirectory,
    private readonly names: NameKey,
    private readonly executor: CommandExecutor,
    private readonly rules: RoomRulesProvider,
    private readonly clock: Clock,
    private readonly rooms: RoomsReadModel,
    config: AppConfig,
  ) {
    this.decider = roomDecider(rules.rules);
    this.adminKeys = new Set(config.adminUsers.map((name) => names.key(name)));
  }

  /** The actor as a room's decision sees them. */
  async acting(actor: Actor): Promise<Acting> {
    const { account, admin } = await this.standing(actor.userId);
    return { userId: actor.userId, username: actor.username, account, admin };
  }

  /** Whether the user may be an admin by name alone: the cheap test before `acting` reads their session. */
  mayBeAdmin(username: string): boolean {
    return this.adminKeys.size > 0 && this.adminKeys.has(this.names.key(username));
  }

  /** The member a moderation is about, by their current name; `user_not_found` when nobody has it. */
  async target(name: string): Promise<Target> {
    const user = await this.directory.known(name);
    if (user === undefined) throw new DomainError('user_not_found', `No user named ${name}`);
    return { userId: user.userId, username: user.username, admin: (await this.standing(user.userId)).admin };
  }

  /** What the user (undefined: a caller without a session) may do with the room's history and members. */
  async access(room: string, userId: string | undefined): Promise<Access> {
    // A name nobody made is answered from memory: a stranger's made-up names never reach the store.
    if (!this.rooms.has(room)) return 'unknown_room';
    const [{ state }, admin] = await Promise.all([
      this.executor.state(roomStream(room), this.decider),
      userId === undefined ? false : this.isAdmin(userId),
    ]);
    return accessTo(this.rules.rules, room, state, userId === undefined ? undefined : { userId, admin }, this.clock.now().getTime());
  }

  /** Who holds a role in the room, by their current names, and its slow mode: what every member may know. */
  async standingsIn(room: string): Promise<{ roles: { user: string; role: RoomRole }[]; slowMode: number }> {
    const { state } = await this.executor.state(roomStream(room), this.decider);
    const roles = await Promise.all(
      [...state.roles].map(async ([userId, role]) => ({
        user: state.members.get(userId) ?? (await this.directory.usernameOf(userId)) ?? '',
        role,
      })),
    );
    return { roles: roles.filter(({ user }) => user !== ''), slowMode: state.slowModeSeconds };
  }

  /** The user's role in the room, an admin's above all. */
  async roleIn(room: string, userId: string): Promise<'admin' | RoomRole> {
    const [{ state }, admin] = await Promise.all([this.executor.state(roomStream(room), this.decider), this.isAdmin(userId)]);
    return admin ? 'admin' : (state.roles.get(userId) ?? 'member');
  }

  async isAdmin(userId: string): Promise<boolean> {
    return (await this.standing(userId)).admin;
  }

  private async standing(userId: string): Promise<{ account: boolean; admin: boolean }> {
    const session = await this.directory.session(userId);
    const account = session.status === 'Active' && session.kind === 'account';
    return { account, admin: account && this.adminKeys.has(this.names.key(session.username)) };
  }
}
