import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { roomDecider, roomStream } from '../../domain/room/room.decider';
import { sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { AppConfig } from '../ports/app-config';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { RoomRulesProvider } from '../room-rules.provider';
import { RoomAuthority } from '../room-authority';
import { Clock } from '../ports/clock.port';

export class JoinRoomCommand extends Command<{ joined: boolean }> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly context: CommandContext,
    /** A code that lets the holder into a private room. */
    readonly invite?: string,
  ) {
    super();
  }
}

@CommandHandler(JoinRoomCommand)
export class JoinRoomHandler implements ICommandHandler<JoinRoomCommand> {
  private readonly decider;
  private readonly sessions;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly authority: RoomAuthority,
    private readonly clock: Clock,
    rules: RoomRulesProvider,
    config: AppConfig,
  ) {
    this.decider = roomDecider(rules.rules);
    this.sessions = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, room, context, invite }: JoinRoomCommand): Promise<{ joined: boolean }> {
    // An admin joins private rooms and past bans; only a name on `ADMIN_USERS` needs its session read.
    const admin = this.authority.mayBeAdmin(actor.username) && (await this.authority.isAdmin(actor.userId));
    const now = this.clock.now().getTime();
    const join = { room, userId: actor.userId, username: actor.username, admin, now, ...(invite !== undefined ? { invite } : {}) };
    const events = await this.executor.execute(roomStream(room), this.decider, { type: 'JoinRoom', data: join }, context);
    if (events.length === 0) return { joined: false };
    // A first join starts with everything before it read: unread counts what comes after. A return
    // (after going offline, which takes a user out of their rooms) keeps the marker where it was.
    const { lastSeq } = (await this.executor.state(roomStream(room), this.decider)).state;
    await this.executor.execute(
      sessionStream(actor.userId),
      this.sessions,
      { type: 'MarkRead', data: { sessionId: actor.userId, room, seq: lastSeq, newest: lastSeq, initial: true } },
      context,
    );
    return { joined: true };
  }
}
