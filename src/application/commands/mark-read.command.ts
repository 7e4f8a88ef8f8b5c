import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MarkPrivateRead, MarkRead } from '../../domain/session/session.commands';
import { readMarker, readRefusal, sessionDecider, sessionStream } from '../../domain/session/session.decider';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { AppConfig } from '../ports/app-config';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { UsersReadModel } from '../read-models/users.read-model';
import { UserDirectory } from '../user-directory';

export type ReadOutcome = {
  readonly room: string;
  /** The marker after the command. */
  readonly readSeq: number;
  readonly changed: boolean;
  /** Why nothing changed. */
  readonly reason?: 'not_newer' | 'beyond_newest';
};

/** `read {room, seq}`: the user has read the room up to message `seq`. */
export class MarkReadCommand extends Command<ReadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly room: string,
    readonly seq: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly rooms: RoomsReadModel,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  async execute({ actor, room, seq, context }: MarkReadCommand): Promise<ReadOutcome> {
    if (!this.rooms.has(room)) throw new DomainError('unknown_room', `No room named ${room}`);
    if (!this.rooms.roomsOf(actor.userId).includes(room)) throw new DomainError('not_a_member', `Join ${room} before marking it read`);
    const command = { type: 'MarkRead' as const, data: { sessionId: actor.userId, room, seq, newest: this.rooms.bounds(room).last } };
    return { room, ...(await moveMarker(this.executor, this.decider, command, context)) };
  }
}

/** What a read command did: the marker after it, and why it did not move. */
const moveMarker = async (
  executor: CommandExecutor,
  decider: ReturnType<typeof sessionDecider>,
  command: MarkRead | MarkPrivateRead,
  context: CommandContext,
): Promise<Omit<ReadOutcome, 'room'>> => {
  const stream = sessionStream(command.data.sessionId);
  const events = await executor.execute(stream, decider, command, context);
  if (events.length > 0) return { readSeq: command.data.seq, changed: true };
  const { state } = await executor.state(stream, decider);
  return { readSeq: readMarker(state, command), changed: false, reason: readRefusal(state, command) ?? 'not_newer' };
};

export type PrivateReadOutcome = Omit<ReadOutcome, 'room'> & { readonly with: string };

/** `read {with, seq}`: the user has read the private conversation with `with` up to the message at `seq`. */
export class MarkPrivateReadCommand extends Command<PrivateReadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly withName: string,
    readonly seq: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(MarkPrivateReadCommand)
export class MarkPrivateReadHandler implements ICommandHandler<MarkPrivateReadCommand> {
  private readonly decider;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly directory: UserDirectory,
    private readonly users: UsersReadModel,
    config: AppConfig,
  ) {
    this.decider = sessionDecider({ maxMessageLength: config.maxMessageLength });
  }

  /** The newest message is the conversation's newest as this node has it (0: none yet, so any seq is beyond it). */
  async execute({ actor, withName, seq, context }: MarkPrivateReadCommand): Promise<PrivateReadOutcome> {
    const other = await this.directory.known(withName);
    if (other === undefined) throw new DomainError('user_not_found', `No user named ${withName}`);
    const newest = this.users.conversationWindow(actor.userId, other.userId).window.at(-1)?.position ?? 0;
    const command = { type: 'MarkPrivateRead' as const, data: { sessionId: actor.userId, withUserId: other.userId, seq, newest } };
    return { with: other.username, ...(await moveMarker(this.executor, this.decider, command, context)) };
  }
}
