import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Acting, RoomCommand } from '../../domain/room/room.commands';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import type { RoomRole, Visibility } from '../../domain/room/room.events';
import { parseRoomName, parseTopic } from '../../domain/room/room.moderation';
import { AppConfig } from '../ports/app-config';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { roomNameDecider, roomNameStream } from '../../domain/room/room-name';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { Clock } from '../ports/clock.port';
import { IdGenerator } from '../ports/id-generator.port';
import { NameKey } from '../ports/name-key.port';
import { RoomAuthority } from '../room-authority';
import { RoomHistory } from '../room-history';
import { RoomRulesProvider } from '../room-rules.provider';

export type CreatedRoom = { room: string; visibility: Visibility; topic: string };

/** An account holder creates a room and owns it; names are unique by the same comparison as usernames. */
export class CreateRoomCommand extends Command<CreatedRoom> {
  constructor(
    readonly actor: Actor,
    readonly name: string,
    readonly visibility: Visibility,
    readonly topic: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(CreateRoomCommand)
export class CreateRoomHandler implements ICommandHandler<CreateRoomCommand> {
  private readonly decider;
  private readonly defaultKeys: ReadonlySet<string>;
  private readonly roomsPerAccount: number;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly authority: RoomAuthority,
    private readonly names: NameKey,
    private readonly rooms: RoomsReadModel,
    rules: RoomRulesProvider,
    config: AppConfig,
  ) {
    this.roomsPerAccount = config.roomsPerAccount;
    this.decider = roomDecider(rules.rules);
    this.defaultKeys = new Set([...rules.rules.rooms].map((room) => names.key(room)));
  }

  async execute({ actor, name, visibility, topic, context }: CreateRoomCommand): Promise<CreatedRoom> {
    const by = await this.authority.acting(actor);
    if (!by.account) throw new DomainError('forbidden', 'Register an account to create rooms');
    const room = parseRoomName(name);
    parseTopic(topic);
    if (!by.admin && this.rooms.ownedBy(by.username) >= this.roomsPerAccount) {
      throw new DomainError('too_many_rooms', `You own ${this.roomsPerAccount} rooms already: archive one first`);
    }
    const key = this.names.key(room);
    if (this.defaultKeys.has(key)) throw new DomainError('room_exists', `There is already a room named ${room}`);
    // The name's lock first: of two look-alikes created at once, one gets it; then the room itself.
    await this.executor.execute(
      roomNameStream(key),
      roomNameDecider,
      { type: 'ClaimRoomName', data: { room, userId: by.userId } },
      context,
    );
    const [created] = await this.executor.execute(
      roomStream(room),
      this.decider,
      { type: 'CreateRoom', data: { room, visibility, topic, by } },
      context,
    );
    if (created?.type !== 'RoomCreated') throw new DomainError('room_exists', `There is already a room named ${room}`);
    return { room, visibility, topic: created.data.topic };
  }
}

/** What an owner, moderator or admin does to a room, its members or its messages. */
export type RoomAction =
  | { kind: 'set_topic'; topic: string }
  | { kind: 'archive' }
  | { kind: 'invite'; maxUses?: number; expiresInMs?: number }
  | { kind: 'set_role'; user: string; role: RoomRole }
  | { kind: 'kick'; user: string; reason?: string }
  | { kind: 'ban' | 'mute'; user: string; until?: number; reason?: string }
  | { kind: 'unban' | 'unmute'; user: string }
  | { kind: 'remove'; messageId: string; reason?: string }
  | { kind: 'slow_mode'; seconds: number };

/** `changed`: whether it changed anything (a repeat does not); `invite`: the code an invite action made. */
export type RoomActionResult = { changed: boolean; invite?: { code: string; maxUses?: number; expiresAt?: string } };

export class RoomActionCommand extends Command<RoomActionResult> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly action: RoomAction,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Each action is one decision of the room aggregate, on the room's state and the people's standing. */
@CommandHandler(RoomActionCommand)
export class RoomActionHandler implements ICommandHandler<RoomActionCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly authority: RoomAuthority,
    private readonly history: RoomHistory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    rules: RoomRulesProvider,
  ) {
    this.decider = roomDecider(rules.rules);
  }

  async execute({ actor, room, action, context }: RoomActionCommand): Promise<RoomActionResult> {
    const by = await this.authority.acting(actor);
    const now = this.clock.now().getTime();
    const code = action.kind === 'invite' ? this.ids.id().replaceAll('-', '') : undefined;
    const command = await this.command(room, action, by, now, code);
    const events = await this.executor.execute(roomStream(room), this.decider, command, context);
    const invite = events.find((event) => event.type === 'InviteCreated');
    if (invite?.type !== 'InviteCreated') return { changed: events.length > 0 };
    const { maxUses, expiresAt } = invite.data;
    return {
      changed: true,
      invite: {
        code: invite.data.code,
        ...(maxUses !== undefined ? { maxUses } : {}),
        ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      },
    };
  }

  private async command(
    room: string,
    action: RoomAction,
    by: Acting,
    now: number,
    code: string | undefined,
  ): Promise<RoomCommand | ((at: { version: number }) => Promise<RoomCommand>)> {
    switch (action.kind) {
      case 'set_topic':
        return { type: 'SetTopic', data: { room, topic: action.topic, by } };
      case 'archive':
        return { type: 'ArchiveRoom', data: { room, by } };
      case 'invite': {
        const expiresAt = action.expiresInMs === undefined ? {} : { expiresAt: now + action.expiresInMs };
        const maxUses = action.maxUses === undefined ? {} : { maxUses: action.maxUses };
        return { type: 'CreateInvite', data: { room, code: code!, ...maxUses, ...expiresAt, by, now } };
      }
      case 'slow_mode':
        return { type: 'SetSlowMode', data: { room, seconds: action.seconds, by } };
      case 'remove':
        // The message's facts as of the version the command is decided on, in the room's turn.
        return async ({ version }) => {
          const message = await this.history.facts(room, action.messageId, version);
          const authorAdmin = message === undefined ? false : await this.authority.isAdmin(message.userId);
          const reason = action.reason === undefined ? {} : { reason: action.reason };
          return { type: 'RemoveMessage', data: { room, messageId: action.messageId, message, authorAdmin, ...reason, by } };
        };
      default:
        return this.aboutMember(room, action, by, now);
    }
  }

  private async aboutMember(room: string, action: Extract<RoomAction, { user: string }>, by: Acting, now: number): Promise<RoomCommand> {
    const target = await this.authority.target(action.user);
    switch (action.kind) {
      case 'set_role':
        return { type: 'SetRole', data: { room, target, role: action.role, by } };
      case 'kick':
        return { type: 'Kick', data: { room, target, ...(action.reason !== undefined ? { reason: action.reason } : {}), by } };
      case 'ban':
      case 'mute': {
        const limits = {
          ...(action.until !== undefined ? { until: action.until } : {}),
          ...(action.reason !== undefined ? { reason: action.reason } : {}),
        };
        return { type: action.kind === 'ban' ? 'Ban' : 'Mute', data: { room, target, ...limits, by, now } };
      }
      case 'unban':
        return { type: 'Unban', data: { room, target, by } };
      case 'unmute':
        return { type: 'Unmute', data: { room, target, by } };
    }
  }
}
